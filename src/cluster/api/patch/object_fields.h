// Field sets of objects, read through the schema the way server-side apply reads them: which
// lists are keyed (listType map, by list_keys), which are sets of scalars (listType set),
// which lists, maps and structs are atomic (owned as a whole). Kinds without a schema, and
// fields the schema does not know, are free-form: objects are maps, lists are atomic.
#pragma once

#include <boost/json/value.hpp>

#include "cluster/api/patch/field_set.h"
#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::api::patch {

/// The fields `object` sets, as an applier's entry records them: every scalar, every item of a
/// keyed or set list (with "." when it has fields of its own), every key of a map, atomic
/// values as a whole, empty objects and nulls. Struct fields holding a non-empty object are
/// only parents. Fails (kInvalidArgument, kReasonPatchNotApplicable) on a keyed-list item that
/// lacks a key field without default, or on two items with the same key.
Result<FieldSet> FieldsOf(const boost::json::value& object, const schema::Type* type);

/// Like FieldsOf, but never fails: items it cannot key are addressed by index.
FieldSet FieldsOfLenient(const boost::json::value& object, const schema::Type* type);

/// `set` plus, as members, the declared struct fields on the way to its members (not map
/// keys). Pruning compares sets in this form so that a struct field a manager stopped setting
/// goes away with everything below it.
FieldSet WithNamedFieldsAsMembers(const FieldSet& set, const schema::Type* type);

/// Removes from `object` every value at a member path of `set`, with everything below it.
void RemoveFields(boost::json::value& object, const FieldSet& set, const schema::Type* type);

/// What changed between two versions of an object, in the terms of managedFields.
struct FieldChanges {
  FieldSet added;
  FieldSet modified;
  FieldSet removed;
};

/// Compares `before` and `after`. Leaves (scalars, atomic values, objects and lists empty on
/// both sides) are added, modified or removed; a map, struct or list item that appears or
/// disappears as a whole is added or removed itself as well. Struct fields that Kubernetes'
/// Go types always carry (non-pointer structs, required lists) count as present whenever their
/// parent is, so updates record the same "." markers as Kubernetes does; null counts as absent.
FieldChanges CompareObjects(const boost::json::value& before, const boost::json::value& after,
                            const schema::Type* type);

}  // namespace mini::cluster::api::patch
