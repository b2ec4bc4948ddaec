/* report_xml: a small XML 1.0 well-formedness checker for test_report:
 * one root, nested tags, quoted attributes, only the five entities and
 * character references, valid UTF-8, no forbidden control characters. */
#ifndef IKETEST_REPORT_XML_H
#define IKETEST_REPORT_XML_H

#include <stddef.h>

/* 0 when well-formed; else -1 with the offset of the problem in *at. */
int report_xml_check(const char *s, size_t n, size_t *at);

#endif
