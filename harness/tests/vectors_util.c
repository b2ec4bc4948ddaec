/* vectors_util: helpers shared by the checkers of vectors_sym.c and
 * vectors_asym.c. */
#include <string.h>

#include "names.h"
#include "vectors_kinds.h"

int vectors_get_name(const struct vector_case *c, const char *field,
    enum names_table t, unsigned *value, struct err *why)
{
	const char *v = vector_get(c, field);

	if (v == NULL)
		return err_set(why, "line %d: no field `%s'", c->line, field);
	if (names_parse(t, v, strlen(v), value) < 0)
		return err_set(why, "line %d: `%s' is not a known %s", c->line,
		    v, names_title(t));
	return 0;
}
