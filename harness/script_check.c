/* script_check: what the parser checks beyond syntax. Field paths are
 * resolved against the codec's tables when a script is read, on a
 * skeleton message that holds one node of each part the path names, so
 * the codec's own resolver (codec_path_resolve) judges every name; and
 * lint refuses a script that checks nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "err.h"
#include "names.h"
#include "script_int.h"

enum { CHECK_WORDS_MAX = 64 };

/* The nearest field (or part) name of st to w[0..len). */
static const char *field_hint(const struct codec_struct *st,
    const struct codec_node *kid, const char *w, size_t len)
{
	const char *words[CHECK_WORDS_MAX + 2];
	size_t i, n = 0;

	for (i = 0; i < st->nfields && n < CHECK_WORDS_MAX; i++)
		words[n++] = st->fields[i].name;
	if (kid != NULL && kid->st->path_name != NULL)
		words[n++] = kid->st->path_name;
	words[n] = NULL;
	return names_suggest(w, len, words);
}

static const char *payload_hint(const char *w, size_t len)
{
	const char *words[80];
	size_t i, n = 0;

	words[n++] = "hdr";
	words[n++] = "payload";
	for (i = 0; codec_script_payloads[i].name != NULL && n < 78; i++)
		words[n++] = codec_script_payloads[i].name;
	words[n] = NULL;
	return names_suggest(w, len, words);
}

static int hinted(struct err *e, const char *path, const char *what,
    size_t len, const char *w, const char *hint)
{
	return err_set(e, "path `%s': %s `%.*s'%s%s%s", path, what, (int)len,
	    w, hint ? " (did you mean `" : "", hint ? hint : "",
	    hint ? "'?)" : "");
}

/* The fields and parts after a payload: walks rest, growing the skeleton
 * under n and writing the path with every index 1 into out. */
static int check_rest(const char *path, const char *rest,
    struct codec_node *n, char *out, size_t outlen, size_t *at,
    struct err *e)
{
	size_t used = strlen(out);

	while (*rest != '\0') {
		const char *dot = strchr(rest, '.');
		size_t len = dot ? (size_t)(dot - rest) : strlen(rest);
		size_t name_len = strcspn(rest, ".[");
		struct codec_node *kid;

		*at = (size_t)(rest - path);
		/* A field name may hold dots ("flags.initiator"). */
		if (codec_field_index(n->st, rest, strlen(rest)) >= 0) {
			snprintf(out + used, outlen - used, ".%s", rest);
			return 0;
		}
		kid = codec_child_new(n);
		if (kid == NULL || kid->st->path_name == NULL ||
		    strlen(kid->st->path_name) != name_len ||
		    strncmp(kid->st->path_name, rest, name_len) != 0) {
			const char *hint = field_hint(n->st, kid, rest, name_len);
			char what[80];

			snprintf(what, sizeof(what), "%s has no field or part",
			    n->st->name);
			codec_node_free(kid);
			return hinted(e, path, what, name_len, rest, hint);
		}
		if (codec_append(n, kid) < 0) {
			codec_node_free(kid);
			return err_set(e, "path `%s': out of memory", path);
		}
		used += (size_t)snprintf(out + used, outlen - used, ".%s[1]",
		    kid->st->path_name);
		n = kid;
		rest += len;
		if (*rest == '.')
			rest++;
	}
	return err_set(e, "path `%s' names a %s, not one of its fields", path,
	    n->st->name);
}

/* One payload type as the first segment: a skeleton payload, then the
 * rest of the path. */
static int check_payload(const char *path, unsigned type, const char *rest,
    size_t *at, struct err *e)
{
	struct codec_node *msg = codec_message_new();
	struct codec_node *pl = codec_payload_new(type);
	struct codec_ref ref;
	char out[600];
	int rc;

	if (msg == NULL || pl == NULL || codec_append(msg, pl) < 0) {
		codec_node_free(msg);
		codec_node_free(pl);
		return err_set(e, "path `%s': out of memory", path);
	}
	snprintf(out, sizeof(out), "PL%u[1]", type);
	if (*rest == '\0')
		rc = err_set(e, "path `%s' names a payload, not one of its fields",
		    path);
	else
		rc = check_rest(path, rest, pl, out, sizeof(out), at, e);
	/* The codec has the last word on the path it will be given. */
	if (rc == 0 && (codec_path_resolve(msg, out, &ref, e) < 0 ||
	    ref.field < 0))
		rc = err_set(e, "path `%s': the codec cannot resolve it", path);
	codec_node_free(msg);
	return rc;
}

int sp_check_path(const char *path, size_t *at, struct err *e)
{
	size_t len = strcspn(path, ".[("), i;
	const char *rest = path + len, *sel, *close;
	unsigned type, nt;
	struct err e2;

	*at = 0;
	if (len == 4 && strncmp(path, "natd", 4) == 0)
		return strcmp(path, "natd.source") == 0 ||
		    strcmp(path, "natd.destination") == 0 ? 0 :
		    err_set(e, "path `%s': natd.source or natd.destination", path);
	if (*rest == '(') {
		sel = rest + 1;
		close = strchr(sel, ')');
		if (codec_payload_type_parse(path, len, &type) < 0 ||
		    type != PL_N || close == NULL)
			return err_set(e, "path `%s': only N(TYPE) selects by type, as in N(COOKIE).data",
			    path);
		*at = (size_t)(sel - path);
		if (names_parse(NAMES_T_NOTIFY, sel, (size_t)(close - sel), &nt) < 0)
			return hinted(e, path, "unknown notify type",
			    (size_t)(close - sel), sel, names_suggest_table(
			    NAMES_T_NOTIFY, sel, (size_t)(close - sel)));
		rest = close + 1;
	}
	if (*rest == '[')
		rest += strcspn(rest, "]") + (strchr(rest, ']') ? 1 : 0);
	if (*rest == '.')
		rest++;
	else if (*rest != '\0')
		return err_set(e, "path `%s': bad segment", path);
	if (len == 3 && strncmp(path, "hdr", 3) == 0) {
		struct codec_node *msg = codec_message_new();
		struct codec_ref ref;
		int rc;

		if (msg == NULL)
			return err_set(e, "path `%s': out of memory", path);
		*at = (size_t)(rest - path);
		if (*rest == '\0') {
			codec_node_free(msg);
			return err_set(e, "path `%s' names the IKE header, not one of its fields (hdr.flags)",
			    path);
		}
		rc = codec_path_resolve(msg, path, &ref, &e2) < 0 || ref.field < 0 ?
		    hinted(e, path, "the IKE header has no field", strlen(rest),
		    rest, field_hint(msg->st, NULL, rest, strlen(rest))) : 0;
		codec_node_free(msg);
		return rc;
	}
	if (len == 7 && strncmp(path, "payload", 7) == 0) {
		/* Any type: the field must be one some payload has. */
		for (i = 0; codec_script_payloads[i].name != NULL; i++)
			if (codec_script_payloads[i].ptype != 0 &&
			    check_payload(path, codec_script_payloads[i].ptype,
			    rest, at, &e2) == 0)
				return 0;
		if (check_payload(path, 200, rest, at, &e2) == 0)
			return 0;
		*at = (size_t)(rest - path);
		return err_set(e, "path `%s': no payload has a field `%s'",
		    path, rest);
	}
	if (codec_payload_type_parse(path, len, &type) < 0)
		return hinted(e, path, "unknown payload", len, path,
		    payload_hint(path, len));
	return check_payload(path, type, rest, at, e);
}

/* ------------------------------------------------------------------ */
/* lint                                                                */

/* Whether an event can produce a TAP line that fails. */
static bool checks(const struct script_event *ev)
{
	for (; ev != NULL; ev = ev->next)
		switch (ev->kind) {
		case SCRIPT_E_EXPECT:
		case SCRIPT_E_SILENCE:
		case SCRIPT_E_RETRANSMITS:
		case SCRIPT_E_ESTABLISH:
			return true;
		case SCRIPT_E_REPEAT:
			if (checks(ev->u.repeat.body))
				return true;
			break;
		case SCRIPT_E_IUT:
			if (ev->u.iut.verb == SCRIPT_IUT_ALIVE ||
			    ev->u.iut.verb == SCRIPT_IUT_COUNTERS)
				return true;
			break;
		case SCRIPT_E_ESP:
			if (ev->u.esp.verb == SCRIPT_ESP_EXPECT ||
			    ev->u.esp.verb == SCRIPT_ESP_SILENCE)
				return true;
			break;
		case SCRIPT_E_NAT:
			if (ev->u.nat.verb == SCRIPT_NAT_EXPECT_KEEPALIVE)
				return true;
			break;
		case SCRIPT_E_SEND:
		case SCRIPT_E_CAPTURE:
		case SCRIPT_E_LET:
		case SCRIPT_E_WAIT:
			break;
		}
	return false;
}

int script_lint(const struct script *s, struct err *e)
{
	if (!checks(s->events))
		return err_set(e, "%s:%d:%d: script checks nothing: no expect, establish, iut alive, iut counters, esp expect or nat expect keepalive (run would fail it as `script checked nothing')",
		    s->path, s->events ? s->events->pos.line : 1,
		    s->events ? s->events->pos.col : 1);
	return 0;
}
