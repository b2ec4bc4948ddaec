/* run_path: how the interpreter looks into a message: the view where
 * SK's payloads stand in place of SK, and paths like "N(COOKIE).data"
 * resolved to codec paths and read as text. Used by matchers and sends. */
#include "run_int.h"

#include <stdlib.h>
#include <string.h>

struct codec_node *run_view(const struct codec_node *hdr,
    const struct codec_node *inner)
{
	struct codec_node *v = codec_node_clone(hdr), *k;
	size_t i;

	if (v == NULL || inner == NULL)
		return v;
	for (i = 0; i < v->nkids; i++)
		if (v->kids[i]->ptype == PL_SK || v->kids[i]->ptype == PL_SKF)
			break;
	if (i < v->nkids)
		codec_node_free(codec_remove(v, i));
	for (size_t j = 0; j < inner->nkids; j++) {
		k = codec_node_clone(inner->kids[j]);
		if (k == NULL || codec_insert(v, i + j, k) < 0) {
			codec_node_free(k);
			codec_node_free(v);
			return NULL;
		}
	}
	return v;
}

/* ------------------------------------------------------------- paths */

int run_path_rewrite(struct run_ctx *c, struct codec_node *root,
    const char *path, char *out, size_t outlen)
{
	const char *open = strchr(path, '('), *close, *dot = strchr(path, '.');
	unsigned ptype, ntype, rank = 0;
	size_t i;

	if (open == NULL || (dot != NULL && dot < open)) {
		snprintf(out, outlen, "%s", path);
		return 0;
	}
	close = strchr(open, ')');
	if (close == NULL ||
	    codec_payload_type_parse(path, (size_t)(open - path), &ptype) < 0 ||
	    ptype != PL_N ||
	    names_parse(NAMES_T_NOTIFY, open + 1, (size_t)(close - open - 1),
	    &ntype) < 0)
		return run_script_error(c, 0, "path `%s': only N(TYPE) selects by type",
		    path);
	for (i = 0; i < root->nkids; i++) {
		const struct codec_node *k = root->kids[i];

		if (k->ptype != PL_N)
			continue;
		rank++;
		if (ike_get(k, "notify_type") == ntype) {
			snprintf(out, outlen, "N[%u]%s", rank, close + 1);
			return 0;
		}
	}
	snprintf(out, outlen, "%s", path);
	return 1;
}

/* Whether the payload the path starts with is in the view (so that a
 * failed resolve means "absent" rather than "bad path"). */
bool run_path_payload_absent(struct codec_node *view, const char *path)
{
	size_t len = strcspn(path, ".[(");
	unsigned ptype, idx = 1;
	const char *br = path + len;

	if (strncmp(path, "hdr", len) == 0 || strncmp(path, "payload", len) == 0)
		return strncmp(path, "payload", len) == 0;
	if (codec_payload_type_parse(path, len, &ptype) < 0)
		return false;
	if (*br == '[')
		idx = (unsigned)strtoul(br + 1, NULL, 10);
	return codec_find_payload(view, ptype, idx) == NULL;
}

int run_path_get(struct run_ctx *c, struct codec_node *view,
    const char *path, int line, char *out, size_t outlen, bool *bytes_field,
    struct bytes *data, uint64_t *num, bool *found, struct err *e)
{
	char rp[CODEC_PATH_MAX * 2];
	struct codec_ref ref;
	int rc;

	*found = false;
	rc = run_path_rewrite(c, view, path, rp, sizeof(rp));
	if (rc < 0)
		return err_set(e, "%s:%d: %s", c->s->path, line,
		    c->script_err.text);
	if (rc == 1)
		return 0;
	if (codec_path_resolve(view, rp, &ref, e) < 0) {
		if (run_path_payload_absent(view, rp))
			return 0;
		return -1;
	}
	if (ref.field < 0)
		return err_set(e, "%s names a payload, not a field", path);
	*found = true;
	*bytes_field = ref.node->st->fields[ref.field].kind == CODEC_K_DATA;
	if (*bytes_field) {
		if (data != NULL &&
		    bytes_copy(data, codec_get_data(ref.node, ref.field)) < 0)
			return err_set(e, "out of memory");
	} else if (codec_effective_uint(ref.node, ref.field, num) < 0) {
		*num = codec_get_uint(ref.node, ref.field);
	}
	codec_field_format(ref.node, ref.field, out, outlen, 32);
	return 0;
}
