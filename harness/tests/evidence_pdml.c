/* evidence_pdml: see evidence_pdml.h. */
#include "evidence_pdml.h"

#include "tshark_pdml.c"
