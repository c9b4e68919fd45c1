/* sshtun: opening and closing Linux tun/tap devices through /dev/net/tun. */
#include "tun/tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sshtun_err.h"

static const char tun_clone_path[] = "/dev/net/tun";

/* What the user can do about errno e when opening /dev/net/tun or attaching name. */
static const char *open_hint(int e)
{
	switch (e) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return " (load the tun module: modprobe tun)";
	case EPERM:
	case EACCES:
		return " (needs root or CAP_NET_ADMIN)";
	default:
		return "";
	}
}

static const char *attach_hint(int e)
{
	switch (e) {
	case EBUSY:
		return " (the unit is in use; pick another unit or 'any')";
	case EPERM:
	case EACCES:
		return " (needs root or CAP_NET_ADMIN, or a persistent device owned by this user)";
	case EINVAL:
		return " (a device of that name exists with another type or mode)";
	default:
		return "";
	}
}

/* Fills d->name with "tunN"/"tapN", or the "tun%d" pattern that makes the kernel pick. */
static int make_name(struct tun_dev *d, int unit)
{
	const char *base = d->tap ? "tap" : "tun";
	int n;

	if (unit == TUN_ANY) {
		n = snprintf(d->name, sizeof(d->name), "%s%%d", base);
	} else {
		n = snprintf(d->name, sizeof(d->name), "%s%d", base, unit);
	}
	return (n > 0 && (size_t)n < sizeof(d->name)) ? 0 : SSHTUN_ERR_INVAL;
}

/* Asks for checksum and TCP segmentation offload; the device then hands us super-packets (tun/offload.h). */
static void enable_offload(struct tun_dev *d, int fd, const struct lg *log)
{
	int hdrsz = 10;

	if (ioctl(fd, TUNSETVNETHDRSZ, &hdrsz) < 0) {
		LG_D1(log, "tun: %s: cannot set the vnet header size: %s", d->name, strerror(errno));
		return;
	}
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) == 0) {
		d->tso = 1;
	} else {
		LG_D1(log, "tun: %s: no TCP segmentation offload: %s", d->name, strerror(errno));
	}
}

static int open_flags(struct tun_dev *d, int fd, int vnet, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	ifr->ifr_flags = (short)((d->tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0));
	memcpy(ifr->ifr_name, d->name, sizeof(ifr->ifr_name));
	return ioctl(fd, TUNSETIFF, ifr);
}

int tun_open(struct tun_dev *d, int tap, int unit, int offload, const struct lg *log)
{
	struct ifreq ifr;
	int fd = -1, e, r = SSHTUN_ERR_TUN_DEVICE;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->tap = tap ? 1 : 0;
	if (unit < TUN_ANY || make_name(d, unit) != 0) {
		LG_E(log, "tun: invalid unit %d", unit);
		return SSHTUN_ERR_INVAL;
	}
	fd = open(tun_clone_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		LG_E(log, "tun: cannot open %s for %s: %s%s", tun_clone_path, d->name, strerror(e), open_hint(e));
		goto out;
	}
	if (open_flags(d, fd, offload, &ifr) == 0) {
		d->vnet = offload ? 1 : 0;
	} else if (!offload || errno != EINVAL || open_flags(d, fd, 0, &ifr) < 0) {
		e = errno;
		LG_E(log, "tun: cannot create or attach %s: %s%s", d->name, strerror(e), attach_hint(e));
		goto out;
	}
	/* The kernel wrote back the real name (the pattern resolved). */
	memcpy(d->name, ifr.ifr_name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	/* A device we attached to outlives us only because it is persistent; one we created is not. */
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		e = errno;
		LG_E(log, "tun: cannot query %s: %s", d->name, strerror(e));
		goto out;
	}
	d->created = (ifr.ifr_flags & IFF_PERSIST) ? 0 : 1;
	d->ifindex = (int)if_nametoindex(d->name);
	if (d->ifindex <= 0) {
		e = errno;
		LG_E(log, "tun: cannot get the interface index of %s: %s", d->name, strerror(e));
		goto out;
	}
	if (d->vnet) {
		enable_offload(d, fd, log);
	}
	d->fd = fd;
	fd = -1;
	r = 0;
	LG_D1(log, "tun: %s %s (ifindex %d, %s)", d->created ? "created" : "attached to",
	      d->name, d->ifindex, d->tap ? "tap" : "tun");
out:
	if (fd >= 0) {
		close(fd);
	}
	if (r != 0) {
		d->ifindex = 0;
		d->created = 0;
	}
	return r;
}

void tun_close(struct tun_dev *d)
{
	if (d->fd >= 0) {
		close(d->fd);
	}
	d->fd = -1;
	d->ifindex = 0;
	d->created = 0;
	d->vnet = 0;
	d->tso = 0;
}
