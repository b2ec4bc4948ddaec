/* test_addr: the one address type parses both families, compares
 * address without port, formats with and without a port, and goes in
 * and out of sockaddrs unchanged. */
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "err.h"
#include "tap.h"

static void test_parse_format(void)
{
	struct addr a, b;
	struct err e = { "" };
	char t[ADDR_TEXT_MAX];

	ok(addr_parse("192.0.2.1", &a, &e) == 0 && a.family == 4 &&
	    a.ip[0] == 192 && a.ip[3] == 1 && a.port == 0, "parse IPv4");
	is_int(addr_len(&a), 4, "IPv4 uses 4 bytes");
	addr_format(&a, t, sizeof(t));
	ok(strcmp(t, "192.0.2.1") == 0, "format IPv4: %s", t);
	a.port = 500;
	addr_format_port(&a, t);
	ok(strcmp(t, "192.0.2.1:500") == 0, "format IPv4 with port: %s", t);
	ok(addr_parse("2001:db8::1", &b, &e) == 0 && b.family == 6 &&
	    b.ip[0] == 0x20 && b.ip[15] == 1, "parse IPv6");
	is_int(addr_len(&b), 16, "IPv6 uses 16 bytes");
	b.port = 4500;
	addr_format_port(&b, t);
	ok(strcmp(t, "[2001:db8::1]:4500") == 0, "format IPv6 with port: %s",
	    t);
	ok(addr_parse("192.0.2.300", &a, &e) < 0 &&
	    strstr(e.text, "192.0.2.300") != NULL, "bad address named: %s",
	    e.text);
	memset(&a, 0, sizeof(a));
	addr_format(&a, t, sizeof(t));
	ok(strcmp(t, "<no address>") == 0, "no family: %s", t);
	addr_format_port(&a, t);
	ok(strcmp(t, "?:0") == 0, "no family with port: %s", t);
}

static void test_equal(void)
{
	struct addr a, b;
	struct err e;

	addr_parse("198.51.100.2", &a, &e);
	addr_parse("198.51.100.2", &b, &e);
	b.port = 7;
	ok(addr_equal(&a, &b), "equal ignores the port");
	b.ip[3] = 3;
	ok(!addr_equal(&a, &b), "another address differs");
	addr_parse("::ffff:198.51.100.2", &b, &e);
	ok(!addr_equal(&a, &b), "another family differs");
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ok(!addr_equal(&a, &b), "no family is never equal");
}

static void test_sockaddr(void)
{
	static const char *const texts[] = { "203.0.113.9", "2001:db8::42" };
	struct sockaddr_storage ss;
	struct addr a, b;
	struct err e;
	socklen_t len;
	size_t i;

	for (i = 0; i < 2; i++) {
		addr_parse(texts[i], &a, &e);
		a.port = 4500;
		len = addr_to_sockaddr(&a, &ss);
		is_int(len, i == 0 ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6), "%s: sockaddr length", texts[i]);
		is_int(ss.ss_family, i == 0 ? AF_INET : AF_INET6,
		    "%s: sockaddr family", texts[i]);
		addr_from_sockaddr(&ss, &b);
		ok(addr_equal(&a, &b) && b.port == 4500,
		    "%s: back from the sockaddr unchanged", texts[i]);
	}
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	addr_from_sockaddr(&ss, &b);
	is_int(b.family, 0, "another sockaddr family: no address");
}

int main(void)
{
	test_parse_format();
	test_equal();
	test_sockaddr();
	return tap_done();
}
