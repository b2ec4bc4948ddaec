/* script_needs: does an IUT's profile give a script what it needs? A script
 * whose needs are not met is skipped (TAP "# SKIP needs ...") rather than
 * failed: the IUT does not claim the feature. */
#include "script.h"

#include <stdio.h>
#include <string.h>

#include "profile.h"

static bool need_met(const struct script_need *nd, const struct profile *p)
{
	size_t i;

	if (nd->nvalues == 0)
		return profile_has(p, nd->section, nd->key, NULL);
	for (i = 0; i < nd->nvalues; i++)
		if (profile_has(p, nd->section, nd->key, nd->values[i]))
			return true;
	return false;
}

static void explain(const struct script_need *nd, const struct profile *p,
    char *why, size_t size)
{
	char want[256];
	size_t i, n;
	bool present = profile_get(p, nd->section, nd->key) != NULL;

	n = (size_t)snprintf(want, sizeof(want), "%s.%s", nd->section, nd->key);
	for (i = 0; i < nd->nvalues && n < sizeof(want); i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s%s",
		    i ? "|" : "=", nd->values[i]);
	if (nd->nvalues == 0)
		snprintf(why, size, "needs %s: %s", want, !present ?
		    "the profile does not have it" : "the profile says no");
	else if (!present)
		snprintf(why, size, "needs %s: the profile has no %s.%s",
		    want, nd->section, nd->key);
	else
		snprintf(why, size, "needs %s: the profile does not list %s",
		    want, nd->nvalues > 1 ? "any of them" : "it");
}

int script_needs_check(const struct script *s, const struct profile *p,
    char *why, size_t why_size)
{
	const struct script_need *nd;
	/* iketest's role needs the IUT in the other one. */
	const char *iut_role;

	if (s == NULL || p == NULL || why == NULL || why_size == 0)
		return -1;
	iut_role = s->role == SCRIPT_ROLE_RESPONDER ? "initiator" : "responder";
	why[0] = '\0';
	if (!profile_has(p, "iut", "roles", iut_role)) {
		snprintf(why, why_size,
		    "role %s needs iut.roles=%s: the profile does not list it",
		    s->role == SCRIPT_ROLE_RESPONDER ? "responder" : "initiator",
		    iut_role);
		return 1;
	}
	for (nd = s->needs; nd != NULL; nd = nd->next)
		if (!need_met(nd, p)) {
			explain(nd, p, why, why_size);
			return 1;
		}
	return 0;
}
