// Sets of field paths, as server-side apply records who owns what in metadata.managedFields
// (fieldsType "FieldsV1"). A path steps through an object by field name ("f:spec"), through a
// keyed list by the element's key fields ("k:{\"name\":\"nginx\"}"), through a set-like list
// by value ("v:\"finalizer.example.com\"") or, rarely, by index ("i:0").
//
// The operations are the ones ownership needs: union to merge a manager's entries,
// difference to take fields away from the managers that lost them, intersection to find
// conflicts between managers. FieldSet knows nothing of schemas; object_fields.h builds sets
// from objects.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mini::cluster::api::patch {

class PathElement {
 public:
  enum class Kind : uint8_t { kField, kKey, kValue, kIndex };  // the order sets sort in

  static PathElement Field(std::string name);
  /// A keyed-list element; `key_fields` holds the key fields and their values.
  static PathElement Key(const boost::json::object& key_fields);
  static PathElement Value(boost::json::value value);
  static PathElement Index(int64_t index);

  Kind kind() const { return kind_; }
  const std::string& field() const { return name_; }          // kField
  const boost::json::object& key() const;                     // kKey, sorted by field name
  const boost::json::value& value() const { return value_; }  // kValue
  int64_t index() const { return index_; }                    // kIndex

  /// "f:spec", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}", "v:\"a\"", "i:0".
  std::string FieldsV1Key() const;
  static Result<PathElement> ParseFieldsV1Key(std::string_view text);
  /// ".spec", "[containerPort=80,protocol=\"TCP\"]", "[=\"a\"]", "[0]": how conflict
  /// messages print paths.
  std::string String() const;

  /// Total order: fields by name, then keys, values and indexes (each by content).
  int Compare(const PathElement& other) const;
  bool operator==(const PathElement& other) const { return Compare(other) == 0; }
  bool operator<(const PathElement& other) const { return Compare(other) < 0; }

 private:
  Kind kind_ = Kind::kField;
  std::string name_;
  boost::json::value value_;  // the key object for kKey
  int64_t index_ = 0;
};

using FieldPath = std::vector<PathElement>;

/// "." followed by the elements: ".spec.containers[name=\"nginx\"].image".
std::string FieldPathString(const FieldPath& path);

class FieldSet {
 public:
  struct Entry;  // one child: its element, whether it is itself a member, and the set below

  bool empty() const { return entries_.empty(); }
  /// Adds `path` (non-empty) as a member.
  void Insert(const FieldPath& path);
  bool Has(const FieldPath& path) const;

  FieldSet Union(const FieldSet& other) const;
  FieldSet Intersection(const FieldSet& other) const;
  /// The members of this set that `other` lacks. A member of `other` does not take away the
  /// members below it: "a.b" minus "a" is still "a.b".
  FieldSet Difference(const FieldSet& other) const;
  /// Like Difference, but a member of `other` also takes away everything below it.
  FieldSet RecursiveDifference(const FieldSet& other) const;
  bool operator==(const FieldSet& other) const;

  /// Calls `fn` with every member path, in set order.
  template <typename Fn>
  void ForEachPath(Fn&& fn) const {
    FieldPath path;
    Visit(path, fn);
  }
  /// Every member path as FieldPathString prints it.
  std::vector<std::string> PathStrings() const;

  /// The FieldsV1 encoding: {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}, with "."
  /// marking an element that is a member and also has members below it.
  boost::json::object ToFieldsV1() const;
  static Result<FieldSet> FromFieldsV1(const boost::json::value& fields);

  /// The children, sorted by element.
  const std::vector<Entry>& entries() const { return entries_; }
  /// The entry for `element`, added (neither member nor parent) if missing.
  Entry& Child(const PathElement& element);
  const Entry* Find(const PathElement& element) const;

 private:
  template <typename Fn>
  void Visit(FieldPath& path, Fn& fn) const;
  void Prune();  // drops entries that are neither members nor have members below

  std::vector<Entry> entries_;
};

struct FieldSet::Entry {
  PathElement element;
  bool member = false;
  FieldSet children;
};

template <typename Fn>
void FieldSet::Visit(FieldPath& path, Fn& fn) const {
  for (const Entry& entry : entries_) {
    path.push_back(entry.element);
    if (entry.member) fn(static_cast<const FieldPath&>(path));
    entry.children.Visit(path, fn);
    path.pop_back();
  }
}

}  // namespace mini::cluster::api::patch
