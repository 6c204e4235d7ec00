// Internal: how server-side apply addresses the items of a list, from the list's schema.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>

#include "cluster/api/patch/field_set.h"
#include "cluster/api/patch/shape.h"
#include "common/status.h"

namespace mini::cluster::api::patch {

enum class ItemMode {
  kKeyed,   // listType map: items are objects named by their list_keys
  kSet,     // listType set: items are scalars named by value
  kAtomic,  // anything else: the list is one value
};

/// `list` must be a list shape (Shape::IsList()).
ItemMode ModeOf(const Shape& list);

/// The path element of item `index` of a keyed or set list. A key field an item omits takes
/// its schema default (a port's protocol is "TCP"). Strict mode fails (kReasonPatchNotApplicable)
/// where an applied configuration is wrong; lenient mode falls back to the index, for objects
/// already stored.
Result<PathElement> ItemElement(const Shape& list, const boost::json::value& item, size_t index,
                                bool strict);

}  // namespace mini::cluster::api::patch
