// Internal: the element order strategic merge patch gives a merged list. Elements the patch
// names keep the patch's order (or the $setElementOrder order); elements only the server had
// keep theirs; the two runs are interleaved so that each server-only element stays in front of
// the patch elements that came after it in the original list.
#pragma once

#include <boost/json.hpp>
#include <string_view>

namespace mini::cluster::api::patch {

/// What identifies a list element: the value of `merge_key` in an object element, or the
/// whole element for lists of scalars (`merge_key` empty). nullptr if the element has none.
const boost::json::value* ElementIdentity(const boost::json::value& element,
                                          std::string_view merge_key);

/// Reorders `merged` as described above. `server_order` is the list as the server had it,
/// `patch_order` the elements (or {key: value} stubs) in the order the patch wants.
boost::json::array OrderMergedList(boost::json::array merged,
                                   const boost::json::array& server_order,
                                   const boost::json::array& patch_order,
                                   std::string_view merge_key);

}  // namespace mini::cluster::api::patch
