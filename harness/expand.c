/* expand: $NAME and ${NAME} from the environment (expand.h). */
#include "expand.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

enum { EXPAND_NAME_MAX = 128 };

static bool expand_name_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_';
}

/* The length of the name at s (letters, digits, `_'; not a digit first). */
static size_t expand_name_len(const char *s)
{
	size_t n = 0;

	if (!expand_name_start(s[0]))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* The name after the `$' at p into name, *after past it: 1, 0 when no
 * name follows (a lone `$'), -1 with e on a bad ${NAME}. */
static int expand_take_name(const char *in, const char *p, char *name,
    const char **after, struct err *e)
{
	bool brace = p[1] == '{';
	const char *s = p + (brace ? 2 : 1);
	size_t n = expand_name_len(s);

	if (brace && (n == 0 || s[n] != '}'))
		return err_set(e, "`%s': bad ${NAME}", in);
	if (n == 0)
		return 0;
	if (n >= EXPAND_NAME_MAX)
		return err_set(e, "`%s': variable name too long", in);
	memcpy(name, s, n);
	name[n] = '\0';
	*after = s + n + (brace ? 1 : 0);
	return 1;
}

int expand_vars(const char *in, char *out, size_t outlen, unsigned flags,
    struct err *e)
{
	size_t used = 0, n;
	const char *p = in, *val;
	char name[EXPAND_NAME_MAX];
	int r;

	while (*p != '\0') {
		r = *p == '$' ? expand_take_name(in, p, name, &p, e) : 0;
		if (r < 0)
			return -1;
		if (r == 0 && *p == '$' && !(flags & EXPAND_LONE_DOLLAR_KEPT))
			return err_set(e, "`%s': a lone `$'", in);
		if (r == 0) {
			if (used + 1 >= outlen)
				return err_set(e, "`%s': too long once expanded", in);
			out[used++] = *p++;
			continue;
		}
		val = getenv(name);
		if (val == NULL || (val[0] == '\0' &&
		    (flags & EXPAND_EMPTY_IS_UNSET)))
			return err_set(e, "$%s is not set", name);
		n = strlen(val);
		if (used + n >= outlen)
			return err_set(e, "`%s': too long once expanded", in);
		memcpy(out + used, val, n);
		used += n;
	}
	out[used] = '\0';
	return 0;
}
