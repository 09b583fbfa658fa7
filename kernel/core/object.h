/*
 * Kernel objects made by retype: their sizes, how a fresh one is set up,
 * and how a dead one is taken apart.  One place that knows every type.
 */
#ifndef CORE_OBJECT_H
#define CORE_OBJECT_H

#include "kernel.h"
#include "cap.h"

bool object_type_retypeable(u32 type);
/* log2 of the object's size for `type` and retype's `bits`; 0 if invalid. */
u32 object_size_bits(u32 type, u64 bits);
/* Set up a zeroed object at `obj` and fill in the capability `c` to it. */
void object_init(u32 type, u32 size_bits, u64 obj, struct cap *c);
/* The last capability to the object is going: make it unusable, before its
 * slots (if any) are emptied. */
void object_finalize(const struct cap *c);
/* Memory of an object for the invariant checker: [*start, *start + *size). */
void object_extent(const struct cap *c, u64 *start, u64 *size);

#endif
