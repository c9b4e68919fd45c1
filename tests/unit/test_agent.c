/* sshtun: tests for the ssh-agent client against a real ssh-agent, a scripted peer, and crafted answers. */
#include "tests/unit/testutil.h"
#include "util/features.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "ssh/agent.h"
#include "util/features.h"

#if SSHTUN_AGENT
#include "ssh/key.h"
#include "transport/pubkey.h"
#include "util/wire.h"

/*
 * Group state. The agent runs as "ssh-agent -a sock sh -c '...; cat'": the
 * agent watches its parent (the shell), and the shell's cat ends when our end
 * of its stdin closes, so the agent also goes away if this test dies. We are
 * the subreaper, so the agent is reaped here, not left as a zombie.
 */
struct agfix {
	char dir[64];
	char sock[96];
	pid_t child;
	pid_t agent_pid;
	int to_child;
	struct privkey key;	/* the key added to the agent */
	struct privkey other;	/* a key the agent does not hold */
	struct privkey rsa;	/* the RSA and ECDSA keys the agent also holds */
	struct privkey ecdsa;
};

static struct agfix *fx(void **state)
{
	return *state;
}

static int start_agent(struct agfix *f)
{
	int in[2], out[2];
	char line[64];
	FILE *fp;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 || pipe(in) != 0 || pipe(out) != 0) {
		return -1;
	}
	f->child = fork();
	if (f->child < 0) {
		return -1;
	}
	if (f->child == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execlp("ssh-agent", "ssh-agent", "-a", f->sock, "sh", "-c", "echo $SSH_AGENT_PID; exec cat >/dev/null",
			(char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	f->to_child = in[1];
	fp = fdopen(out[0], "r");
	if (!fp || !fgets(line, sizeof(line), fp)) {
		return -1;
	}
	fclose(fp);
	f->agent_pid = (pid_t)atoi(line);
	return f->agent_pid > 0 ? 0 : -1;
}

/* The agent holds RSA and ECDSA keys too; a build without libcrypto lists and uses its Ed25519 keys alone. */
#define T_FULL (SSHTUN_ECDSA && SSHTUN_RSA)

static int group_setup(void **state)
{
	static struct agfix f;
	char cmd[512], p[128];

	memset(&f, 0, sizeof(f));
	f.to_child = -1;
	strcpy(f.dir, "/tmp/sshtun-agent-XXXXXX");
	if (!mkdtemp(f.dir) || cry_init() != 0) {
		return -1;
	}
	*state = &f;
	snprintf(f.sock, sizeof(f.sock), "%s/sock", f.dir);
	snprintf(cmd, sizeof(cmd),
		"ssh-keygen -q -t ed25519 -N '' -C agentkey -f %s/k </dev/null >/dev/null && "
		"ssh-keygen -q -t ed25519 -N '' -f %s/o </dev/null >/dev/null && "
		"ssh-keygen -q -t rsa -b 2048 -N '' -f %s/r </dev/null >/dev/null && "
		"ssh-keygen -q -t ecdsa -b 384 -N '' -C ecdsakey -f %s/e </dev/null >/dev/null", f.dir, f.dir, f.dir, f.dir);
	if (system(cmd) != 0 || start_agent(&f) != 0) {
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "SSH_AUTH_SOCK=%s ssh-add -q %s/r %s/k %s/e </dev/null >/dev/null 2>&1", f.sock, f.dir,
		f.dir, f.dir);
	if (system(cmd) != 0) {
		return -1;
	}
	snprintf(p, sizeof(p), "%s/k", f.dir);
	if (key_load_private(&f.key, p, NULL, NULL) != 0) {
		return -1;
	}
	snprintf(p, sizeof(p), "%s/r", f.dir);
	if (T_FULL && key_load_private(&f.rsa, p, NULL, NULL) != 0) {
		return -1;
	}
	snprintf(p, sizeof(p), "%s/e", f.dir);
	if (T_FULL && key_load_private(&f.ecdsa, p, NULL, NULL) != 0) {
		return -1;
	}
	snprintf(p, sizeof(p), "%s/o", f.dir);
	return key_load_private(&f.other, p, NULL, NULL) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	struct agfix *f = fx(state);
	char cmd[128];

	if (f->agent_pid > 0) {
		kill(f->agent_pid, SIGTERM);
	}
	if (f->to_child >= 0) {
		close(f->to_child);
	}
	if (f->child > 0) {
		waitpid(f->child, NULL, 0);
	}
	if (f->agent_pid > 0) {
		waitpid(f->agent_pid, NULL, 0);
	}
	key_wipe(&f->key);
	key_wipe(&f->other);
	key_wipe(&f->rsa);
	key_wipe(&f->ecdsa);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_list_and_sign(void **state)
{
	struct agent a;
	struct agent_id ids[AGENT_MAX_IDS];
	struct wire_w sig, local;
	size_t n = 99;
	static const uint8_t data[] = "session id and userauth request";

	assert_int_equal(agent_open(&a, fx(state)->sock, NULL), 0);
	assert_int_equal(agent_list(&a, ids, AGENT_MAX_IDS, &n), 0);
#if T_FULL
	/* In the order added: RSA, the ed25519 key that is in the file, ECDSA. */
	assert_int_equal(n, 3);
	assert_true(pubkey_equal(&ids[0].key, &fx(state)->rsa.pub));
	assert_true(pubkey_equal(&ids[1].key, &fx(state)->key.pub));
	assert_true(pubkey_equal(&ids[2].key, &fx(state)->ecdsa.pub));
	assert_string_equal(ids[1].comment, "agentkey");
	ids[0] = ids[1];
#else
	/* The RSA and ECDSA keys are of types this build lacks: passed over, the Ed25519 key alone listed. */
	assert_int_equal(n, 1);
	assert_true(pubkey_equal(&ids[0].key, &fx(state)->key.pub));
	assert_string_equal(ids[0].comment, "agentkey");
#endif

	wire_w_init(&sig, 0);
	wire_w_init(&local, 0);
	assert_int_equal(agent_sign(&a, &ids[0].key, "ssh-ed25519", data, sizeof(data), &sig), 0);
	assert_int_equal(pubkey_verify(&fx(state)->key.pub, sig.p, sig.len, data, sizeof(data)), 0);
	assert_int_equal(pubkey_verify(&fx(state)->key.pub, sig.p, sig.len, data, sizeof(data) - 1), SSHTUN_ERR_HOSTKEY_SIG);
	/* Ed25519 is deterministic: OpenSSH's signature equals ours byte for byte. */
	assert_int_equal(key_sign(&fx(state)->key, NULL, data, sizeof(data), &local), 0);
	assert_int_equal(local.len, sig.len);
	assert_memory_equal(local.p, sig.p, sig.len);
	/* A second request on the same connection works too. */
	wire_w_reset(&sig);
	assert_int_equal(agent_sign(&a, &ids[0].key, "ssh-ed25519", data, 5, &sig), 0);
	assert_int_equal(pubkey_verify(&ids[0].key, sig.p, sig.len, data, 5), 0);
	/* A key the agent does not hold: it answers FAILURE. */
	wire_w_reset(&sig);
	assert_int_equal(agent_sign(&a, &fx(state)->other.pub, "ssh-ed25519", data, sizeof(data), &sig), SSHTUN_ERR_AGENT);
	assert_int_equal(sig.len, 0);
	agent_close(&a);
	assert_int_equal(a.fd, -1);
	assert_int_equal(agent_list(&a, ids, AGENT_MAX_IDS, &n), SSHTUN_ERR_AGENT);
	wire_w_free(&sig);
	wire_w_free(&local);
}

#if T_FULL
/* RSA keys sign with SHA-2 through the agent's flags; ECDSA keys with their curve's hash; each verifies as asked. */
static void test_sign_every_type(void **state)
{
	static const char *const rsa_algs[] = { "rsa-sha2-512", "rsa-sha2-256" };
	static const uint8_t data[] = "exchange hash";
	struct agent a;
	struct wire_w sig;
	const struct pubkey *rsa = &fx(state)->rsa.pub, *ec = &fx(state)->ecdsa.pub;

	assert_int_equal(agent_open(&a, fx(state)->sock, NULL), 0);
	wire_w_init(&sig, 0);
	for (size_t i = 0; i < 2; i++) {
		struct wire_r r;
		struct wire_view name;

		wire_w_reset(&sig);
		assert_int_equal(agent_sign(&a, rsa, rsa_algs[i], data, sizeof(data), &sig), 0);
		wire_r_init(&r, sig.p, sig.len);
		assert_int_equal(wire_get_string(&r, &name), 0);
		assert_true(wire_view_eq(&name, rsa_algs[i]));
		assert_int_equal(pubkey_verify_alg(rsa, rsa_algs[i], sig.p, sig.len, data, sizeof(data)), 0);
		/* The other SHA-2 name, or SHA-1, is not what was signed. */
		assert_int_equal(pubkey_verify_alg(rsa, rsa_algs[1 - i], sig.p, sig.len, data, sizeof(data)), SSHTUN_ERR_HOSTKEY_SIG);
		assert_int_equal(pubkey_verify_alg(rsa, "ssh-rsa", sig.p, sig.len, data, sizeof(data)), SSHTUN_ERR_HOSTKEY_SIG);
	}
	wire_w_reset(&sig);
	assert_int_equal(agent_sign(&a, ec, "ecdsa-sha2-nistp384", data, sizeof(data), &sig), 0);
	assert_int_equal(pubkey_verify_alg(ec, "ecdsa-sha2-nistp384", sig.p, sig.len, data, sizeof(data)), 0);
	assert_int_equal(pubkey_verify(ec, sig.p, sig.len, data, sizeof(data) - 1), SSHTUN_ERR_HOSTKEY_SIG);
	/* Our own signatures from the key files verify the same way. */
	wire_w_reset(&sig);
	assert_int_equal(key_sign(&fx(state)->rsa, "rsa-sha2-256", data, sizeof(data), &sig), 0);
	assert_int_equal(pubkey_verify_alg(rsa, "rsa-sha2-256", sig.p, sig.len, data, sizeof(data)), 0);
	wire_w_reset(&sig);
	assert_int_equal(key_sign(&fx(state)->ecdsa, NULL, data, sizeof(data), &sig), 0);
	assert_int_equal(pubkey_verify(ec, sig.p, sig.len, data, sizeof(data)), 0);
	/* A signature algorithm of another key type is refused before anything is signed. */
	wire_w_reset(&sig);
	assert_int_equal(key_sign(&fx(state)->ecdsa, "rsa-sha2-512", data, sizeof(data), &sig), SSHTUN_ERR_NOT_SUPPORTED);
	assert_int_equal(sig.len, 0);
	wire_w_free(&sig);
	agent_close(&a);
}
#endif

static void test_open_paths(void **state)
{
	struct agent a;
	char p[200], longp[200];

	assert_int_equal(setenv("SSH_AUTH_SOCK", fx(state)->sock, 1), 0);
	assert_int_equal(agent_open(&a, NULL, NULL), 0);
	agent_close(&a);
	assert_int_equal(unsetenv("SSH_AUTH_SOCK"), 0);
	assert_int_equal(agent_open(&a, NULL, NULL), SSHTUN_ERR_AGENT);
	assert_int_equal(a.fd, -1);
	assert_int_equal(setenv("SSH_AUTH_SOCK", "", 1), 0);
	assert_int_equal(agent_open(&a, NULL, NULL), SSHTUN_ERR_AGENT);
	unsetenv("SSH_AUTH_SOCK");
	snprintf(p, sizeof(p), "%s/no-such-socket", fx(state)->dir);
	assert_int_equal(agent_open(&a, p, NULL), SSHTUN_ERR_AGENT);
	assert_int_equal(agent_open(&a, fx(state)->dir, NULL), SSHTUN_ERR_AGENT);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(agent_open(&a, longp, NULL), SSHTUN_ERR_AGENT);
}

/* ---- a scripted peer: the reply is queued in a socketpair before the call ---- */

static void scripted(struct agent *a, int sv[2], const uint8_t *reply, size_t n)
{
	uint8_t hdr[4];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(a, 0, sizeof(*a));
	a->fd = sv[0];
	a->log = NULL;
	if (n) {
		wire_poke_u32(hdr, (uint32_t)n);
		assert_int_equal(write(sv[1], hdr, 4), 4);
		assert_int_equal(write(sv[1], reply, n), (ssize_t)n);
	}
}

static void test_scripted_peer(void **state)
{
	struct agent a;
	struct agent_id ids[2];
	struct wire_w sig, msg;
	size_t n = 0;
	int sv[2];
	uint8_t hdr[4];
	static const uint8_t data[] = "abc";
	static const uint8_t failure[] = { 5 };

	/* FAILURE to REQUEST_IDENTITIES. */
	scripted(&a, sv, failure, 1);
	assert_int_equal(agent_list(&a, ids, 2, &n), SSHTUN_ERR_AGENT);
	agent_close(&a);
	close(sv[1]);
	/* Peer closes without answering. */
	scripted(&a, sv, NULL, 0);
	close(sv[1]);
	assert_int_equal(agent_list(&a, ids, 2, &n), SSHTUN_ERR_AGENT);
	agent_close(&a);
	/* Reply longer than the limit: refused before reading it. */
	scripted(&a, sv, NULL, 0);
	wire_poke_u32(hdr, 256 * 1024 + 1);
	assert_int_equal(write(sv[1], hdr, 4), 4);
	assert_int_equal(agent_list(&a, ids, 2, &n), SSHTUN_ERR_AGENT);
	assert_int_equal(a.fd, -1);	/* closed: the stream is out of step */
	close(sv[1]);
	/* A SIGN_RESPONSE whose signature does not verify. */
	wire_w_init(&sig, 0);
	wire_w_init(&msg, 0);
	assert_int_equal(key_sign(&fx(state)->other, NULL, data, sizeof(data), &sig), 0);
	wire_put_u8(&msg, 14);
	wire_put_string(&msg, sig.p, sig.len);
	scripted(&a, sv, msg.p, msg.len);
	wire_w_reset(&sig);
	assert_int_equal(agent_sign(&a, &fx(state)->key.pub, "ssh-ed25519", data, sizeof(data), &sig), SSHTUN_ERR_AGENT);
	assert_int_equal(sig.len, 0);
	agent_close(&a);
	close(sv[1]);
	/* The same response for the right key is accepted and passed on unchanged. */
	wire_w_reset(&msg);
	assert_int_equal(key_sign(&fx(state)->other, NULL, data, sizeof(data), &sig), 0);
	wire_put_u8(&msg, 14);
	wire_put_string(&msg, sig.p, sig.len);
	scripted(&a, sv, msg.p, msg.len);
	wire_w_reset(&sig);
	assert_int_equal(agent_sign(&a, &fx(state)->other.pub, "ssh-ed25519", data, sizeof(data), &sig), 0);
	assert_int_equal(sig.len, msg.len - 5);
	assert_memory_equal(sig.p, msg.p + 5, sig.len);
	agent_close(&a);
	close(sv[1]);
	wire_w_free(&sig);
	wire_w_free(&msg);
}

#if T_FULL
/*
 * FIDO security keys are used through the agent (PROTOCOL.u2f): an agent listing an sk-ssh-ed25519 and an
 * sk-ecdsa-sha2-nistp256 key, and answering with their signatures (flags, counter, and the signature over
 * SHA256(application) || flags || counter || SHA256(data)), made here with the keys behind them. The reply is
 * taken with the event loop's calls (agent_sign_start, agent_io, agent_sign_finish). A changed counter,
 * or a signature over the data itself, does not verify.
 */
static void sk_blob(struct wire_w *w, const char *type, const uint8_t *pub, size_t publen, int ecdsa)
{
	wire_put_cstring(w, type);
	if (ecdsa) {
		wire_put_cstring(w, "nistp256");
	}
	wire_put_string(w, pub, publen);
	wire_put_cstring(w, "ssh:");
}

/* Signs as a security key would: over SHA256(app) || flags || counter || SHA256(data). */
static void sk_sign(const struct privkey *k, int ecdsa, uint8_t flags, uint32_t counter, const uint8_t *data, size_t n,
	int over_data, struct wire_w *sig)
{
	uint8_t msg[69];
	struct wire_w raw, inner;
	struct wire_r r;
	struct wire_view name, rawsig;

	assert_int_equal(cry_hash(CRY_SHA256, "ssh:", 4, msg), 0);
	msg[32] = flags;
	wire_poke_u32(msg + 33, counter);
	assert_int_equal(cry_hash(CRY_SHA256, data, n, msg + 37), 0);
	wire_w_init(&raw, 0);
	wire_w_init(&inner, 0);
	if (over_data) {
		assert_int_equal(key_sign(k, NULL, data, n, &raw), 0);
	} else {
		assert_int_equal(key_sign(k, NULL, msg, sizeof(msg), &raw), 0);
	}
	wire_r_init(&r, raw.p, raw.len);
	wire_get_string(&r, &name);
	wire_get_string(&r, &rawsig);
	assert_int_equal(wire_end(&r), 0);
	wire_put_cstring(sig, ecdsa ? "sk-ecdsa-sha2-nistp256@openssh.com" : "sk-ssh-ed25519@openssh.com");
	wire_put_string(sig, rawsig.p, rawsig.n);
	wire_put_u8(sig, flags);
	wire_put_u32(sig, counter);
	wire_w_free(&raw);
	wire_w_free(&inner);
}

static void test_security_keys(void **state)
{
	static const uint8_t data[] = "session id and request";
	struct privkey ec;
	struct agent_id ids[4];
	struct wire_w w, blob[2], sig, out;
	char path[200], cmd[300];
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/e256", fx(state)->dir);
	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t ecdsa -b 256 -N '' -f %s </dev/null >/dev/null", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(key_load_private(&ec, path, NULL, NULL), 0);
	for (int i = 0; i < 2; i++) {
		wire_w_init(&blob[i], 0);
	}
	sk_blob(&blob[0], "sk-ssh-ed25519@openssh.com", fx(state)->key.pub.blob + fx(state)->key.pub.a_off, 32, 0);
	sk_blob(&blob[1], "sk-ecdsa-sha2-nistp256@openssh.com", ec.pub.blob + ec.pub.a_off, ec.pub.a_len, 1);
	/* The identities answer lists both; they parse as security keys. */
	wire_w_init(&w, 0);
	wire_put_u8(&w, 12);
	wire_put_u32(&w, 2);
	for (int i = 0; i < 2; i++) {
		wire_put_string(&w, blob[i].p, blob[i].len);
		wire_put_cstring(&w, i ? "fido-ecdsa" : "fido-ed25519");
	}
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0].key.type, PK_SK_ED25519);
	assert_int_equal(ids[1].key.type, PK_SK_ECDSA);
	assert_string_equal(pubkey_type_name(ids[1].key.type), "sk-ecdsa-sha2-nistp256@openssh.com");
	for (int i = 0; i < 2; i++) {
		const struct privkey *k = i ? &ec : &fx(state)->key;
		const char *alg = pubkey_type_name(ids[i].key.type);

		for (int variant = 0; variant < 3; variant++) {
			struct agent a;
			int sv[2], rc;

			memset(&a, 0, sizeof(a));
			wire_w_init(&sig, 0);
			wire_w_init(&out, 0);
			sk_sign(k, i, 0x01, 42, data, sizeof(data), variant == 2, &sig);
			if (variant == 1) {
				sig.p[sig.len - 1] ^= 1;	/* the counter as sent differs from the one signed */
			}
			wire_w_reset(&w);
			wire_put_u8(&w, 14);
			wire_put_string(&w, sig.p, sig.len);
			scripted(&a, sv, w.p, w.len);
			assert_int_equal(agent_sign_start(&a, ids[i].key.blob, ids[i].key.bloblen, alg, data, sizeof(data)), 0);
			while ((rc = agent_io(&a)) == 0) {
				usleep(1000);
			}
			assert_int_equal(rc, 1);
			rc = agent_sign_finish(&a, &ids[i].key, alg, data, sizeof(data), &out);
			if (variant == 0) {
				assert_int_equal(rc, 0);
				assert_int_equal(out.len, sig.len);
				assert_memory_equal(out.p, sig.p, sig.len);
				assert_int_equal(pubkey_verify(&ids[i].key, out.p, out.len, data, sizeof(data)), 0);
			} else {
				assert_int_equal(rc, SSHTUN_ERR_AGENT);
				assert_int_equal(out.len, 0);
			}
			agent_free(&a);
			close(sv[1]);
			wire_w_free(&sig);
			wire_w_free(&out);
		}
	}
	for (int i = 0; i < 2; i++) {
		wire_w_free(&blob[i]);
	}
	wire_w_free(&w);
	key_wipe(&ec);
}
#endif


/* ---- agent_parse_identities on crafted answers ---- */

static void put_id(struct wire_w *w, const struct pubkey *k, const char *comment)
{
	wire_put_string(w, k->blob, k->bloblen);
	wire_put_cstring(w, comment);
}

static void test_parse_identities(void **state)
{
	struct agent_id ids[4];
	struct wire_w w, blob;
	size_t n = 0;
	const struct pubkey *k1 = &fx(state)->key.pub, *k2 = &fx(state)->other.pub;

	wire_w_init(&w, 0);
	wire_w_init(&blob, 0);
	wire_put_cstring(&blob, "ssh-dss");	/* a type we do not use: skipped */
	wire_put_string(&blob, "\x01\x00\x01", 3);
	wire_put_u8(&w, 12);
	wire_put_u32(&w, 3);
	put_id(&w, k1, "one");
	wire_put_string(&w, blob.p, blob.len);
	wire_put_cstring(&w, "dsa");
	put_id(&w, k2, "two\x1b[31m");
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_true(pubkey_equal(&ids[0].key, k1));
	assert_true(pubkey_equal(&ids[1].key, k2));
	assert_string_equal(ids[0].comment, "one");
	assert_string_equal(ids[1].comment, "two?[31m");	/* control bytes never reach logs */
	/* Fewer slots than keys: the first ones, no error. */
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(agent_parse_identities(w.p, w.len, NULL, 0, &n), 0);
	assert_int_equal(n, 0);
	/* Every truncation fails. */
	for (size_t cut = 0; cut < w.len; cut++) {
		n = 7;
		assert_true(agent_parse_identities(w.p, cut, ids, 4, &n) < 0);
		assert_int_equal(n, 0);
	}
	/* Trailing byte. */
	wire_put_u8(&w, 0);
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 4, &n), SSHTUN_ERR_TRAILING);
	/* Huge count with little data. */
	wire_poke_u32(w.p + 1, 0xffffffffu);
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 4, &n), SSHTUN_ERR_BAD_FORMAT);
	/* A blob that claims ed25519 but is broken. */
	wire_w_reset(&w);
	wire_w_reset(&blob);
	wire_put_cstring(&blob, "ssh-ed25519");
	wire_put_string(&blob, "short", 5);
	wire_put_u8(&w, 12);
	wire_put_u32(&w, 1);
	wire_put_string(&w, blob.p, blob.len);
	wire_put_cstring(&w, "");
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 4, &n), SSHTUN_ERR_BAD_FORMAT);
	/* Empty list, FAILURE, wrong type. */
	wire_w_reset(&w);
	wire_put_u8(&w, 12);
	wire_put_u32(&w, 0);
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 4, &n), 0);
	assert_int_equal(n, 0);
	w.p[0] = 5;
	assert_int_equal(agent_parse_identities(w.p, 1, ids, 4, &n), SSHTUN_ERR_AGENT);
	w.p[0] = 14;
	assert_int_equal(agent_parse_identities(w.p, w.len, ids, 4, &n), SSHTUN_ERR_BAD_FORMAT);
	assert_true(agent_parse_identities(w.p, 0, ids, 4, &n) < 0);
	wire_w_free(&w);
	wire_w_free(&blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_and_sign),
#if T_FULL
		cmocka_unit_test(test_sign_every_type),
#endif
#if T_FULL
		cmocka_unit_test(test_security_keys),
#endif
		cmocka_unit_test(test_open_paths),
		cmocka_unit_test(test_scripted_peer),
		cmocka_unit_test(test_parse_identities),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
#else
/* --without-agent: the stand-ins in ssh/agent.h say there is no agent, whatever SSH_AUTH_SOCK says. */
static void test_no_agent(void **state)
{
	struct agent a;
	struct agent_id ids[1];
	size_t n = 1;

	(void)state;
	setenv("SSH_AUTH_SOCK", "/nonexistent", 1);
	assert_int_equal(agent_open(&a, NULL, NULL), SSHTUN_ERR_AGENT);
	assert_int_equal(a.fd, -1);
	assert_int_equal(agent_list_start(&a), SSHTUN_ERR_AGENT);
	assert_int_equal(agent_io(&a), 1);
	assert_int_equal(agent_io_events(&a), 0);
	assert_int_equal(agent_list_finish(&a, ids, 1, &n), SSHTUN_ERR_AGENT);
	assert_int_equal(n, 0);
	unsetenv("SSH_AUTH_SOCK");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_agent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
