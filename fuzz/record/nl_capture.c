/*
 * sshtun: writes the kernel's raw reply to one rtnetlink request into a file, as a seed for fuzz_netlink
 * (fuzz/record/netlink.sh runs it in a network namespace of its own). Stand-alone on purpose: the seeds
 * must be the kernel's bytes, not what the library under test would ask for.
 *
 *   nl_capture OUT route ADDR            RTM_GETROUTE for one address (as `ip route get ADDR`)
 *   nl_capture OUT link IFNAME|INDEX     RTM_GETLINK for one interface
 *   nl_capture OUT master IFNAME MASTER  RTM_NEWLINK with IFLA_MASTER (MASTER 0: none), the ack
 *
 * OUT gets the first datagram that carries the reply (or the error) to the request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char req[512];
static size_t reqlen;

static void attr(unsigned short type, const void *p, size_t n)
{
	struct rtattr ra = { .rta_len = (unsigned short)RTA_LENGTH(n), .rta_type = type };

	memcpy(req + reqlen, &ra, sizeof(ra));
	memcpy(req + reqlen + sizeof(ra), p, n);
	reqlen += RTA_ALIGN(ra.rta_len);
}

static void begin(unsigned short type, unsigned short flags, const void *body, size_t n)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags),
			      .nlmsg_seq = 4242 };

	memset(req, 0, sizeof(req));
	memcpy(req, &h, sizeof(h));
	memcpy(req + NLMSG_HDRLEN, body, n);
	reqlen = NLMSG_HDRLEN + NLMSG_ALIGN(n);
}

static int ifindex(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end == '\0' ? (int)v : (int)if_nametoindex(s);
}

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	struct nlmsghdr h;
	FILE *f;
	ssize_t n;
	int s;

	if (argc < 4) {
		fprintf(stderr, "usage: nl_capture OUT route ADDR | link IF | master IF MASTER\n");
		return 2;
	}
	if (strcmp(argv[2], "route") == 0) {
		struct rtmsg rt = { 0 };
		unsigned char a[16];
		int fam = strchr(argv[3], ':') ? AF_INET6 : AF_INET;

		if (inet_pton(fam, argv[3], a) != 1) {
			fprintf(stderr, "nl_capture: bad address %s\n", argv[3]);
			return 2;
		}
		rt.rtm_family = (unsigned char)fam;
		rt.rtm_dst_len = fam == AF_INET ? 32 : 128;
		begin(RTM_GETROUTE, 0, &rt, sizeof(rt));
		attr(RTA_DST, a, fam == AF_INET ? 4 : 16);
	} else if (strcmp(argv[2], "link") == 0) {
		struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex(argv[3]) };

		begin(RTM_GETLINK, 0, &ifi, sizeof(ifi));
	} else if (strcmp(argv[2], "master") == 0 && argc == 5) {
		struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex(argv[3]) };
		unsigned m = (unsigned)ifindex(argv[4]);

		begin(RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
		attr(IFLA_MASTER, &m, sizeof(m));
	} else {
		fprintf(stderr, "nl_capture: unknown request %s\n", argv[2]);
		return 2;
	}
	memcpy(&h, req, sizeof(h));
	h.nlmsg_len = (unsigned)reqlen;
	memcpy(req, &h, sizeof(h));
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0 || send(s, req, reqlen, 0) != (ssize_t)reqlen) {
		perror("nl_capture: send");
		return 1;
	}
	n = recv(s, buf, sizeof(buf), MSG_TRUNC);
	if (n < 0 || (size_t)n > sizeof(buf)) {
		fprintf(stderr, "nl_capture: recv: %s\n", n < 0 ? strerror(errno) : "truncated");
		return 1;
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(buf, 1, (size_t)n, f) != (size_t)n || fclose(f) != 0) {
		perror("nl_capture: write");
		return 1;
	}
	printf("%s: %zd bytes\n", argv[1], n);
	close(s);
	return 0;
}
