/* evidence_pdml: the tshark oracle's PDML reader (tshark_pdml.c) for the
 * evidence test. The Makefile links a test with its own NAME_*.c helpers
 * only, so evidence_pdml.c compiles tshark_pdml.c once more under the
 * names below; and since -MMD then lists tshark_pdml.c among the test's
 * sources, the renaming also keeps the two copies from clashing. Drop
 * this shim when the Makefile can share a helper between tests. */
#ifndef IKETEST_TESTS_EVIDENCE_PDML_H
#define IKETEST_TESTS_EVIDENCE_PDML_H

#define pdml_tshark evidence_pdml_tshark
#define pdml_run evidence_pdml_run
#define pdml_free evidence_pdml_free
#define pdml_find evidence_pdml_find
#define pdml_count evidence_pdml_count

#include "tshark_pdml.h"

#endif
