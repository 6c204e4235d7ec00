#include "cluster/api/patch/field_set.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "cluster/api/patch/json_order.h"
#include "common/json.h"

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

std::string_view View(json::string_view s) { return {s.data(), s.size()}; }

// Key fields compare name by name, then value by value; a prefix sorts first.
int CompareKeys(const json::object& a, const json::object& b) {
  auto ia = a.begin();
  auto ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    if (int c = Sign(View(ia->key()).compare(View(ib->key()))); c != 0) return c;
    if (int c = CompareJson(ia->value(), ib->value()); c != 0) return c;
  }
  if (ia == a.end() && ib == b.end()) return 0;
  return ia == a.end() ? -1 : 1;
}

json::object SortedObject(const json::object& in) {
  std::vector<const json::key_value_pair*> members;
  for (const auto& member : in) members.push_back(&member);
  std::sort(members.begin(), members.end(),
            [](const auto* a, const auto* b) { return View(a->key()) < View(b->key()); });
  json::object out;
  for (const auto* member : members) out.emplace(member->key(), member->value());
  return out;
}

}  // namespace

PathElement PathElement::Field(std::string name) {
  PathElement e;
  e.kind_ = Kind::kField;
  e.name_ = std::move(name);
  return e;
}

PathElement PathElement::Key(const json::object& key_fields) {
  PathElement e;
  e.kind_ = Kind::kKey;
  e.value_ = SortedObject(key_fields);
  return e;
}

PathElement PathElement::Value(json::value value) {
  PathElement e;
  e.kind_ = Kind::kValue;
  e.value_ = std::move(value);
  return e;
}

PathElement PathElement::Index(int64_t index) {
  PathElement e;
  e.kind_ = Kind::kIndex;
  e.index_ = index;
  return e;
}

const json::object& PathElement::key() const {
  static const json::object kEmpty;
  const json::object* object = value_.if_object();
  return object != nullptr ? *object : kEmpty;
}

std::string PathElement::FieldsV1Key() const {
  switch (kind_) {
    case Kind::kField:
      return "f:" + name_;
    case Kind::kKey:
    case Kind::kValue:
      return (kind_ == Kind::kKey ? "k:" : "v:") + json::serialize(value_);
    case Kind::kIndex:
      return "i:" + std::to_string(index_);
  }
  return "";
}

Result<PathElement> PathElement::ParseFieldsV1Key(std::string_view text) {
  std::string_view rest = text.size() >= 2 ? text.substr(2) : std::string_view();
  std::string_view prefix = text.substr(0, 2);
  if (prefix == "f:") return Field(std::string(rest));
  if (prefix == "k:" || prefix == "v:") {
    auto parsed = ParseJson(rest, "managedFields key");
    if (!parsed.ok()) {
      return Error(Code::kInvalidArgument, "invalid FieldsV1 key {:?}: not JSON", text);
    }
    if (prefix == "v:") return Value(std::move(*parsed));
    if (!parsed->is_object()) {
      return Error(Code::kInvalidArgument, "invalid FieldsV1 key {:?}: not an object", text);
    }
    return Key(parsed->get_object());
  }
  if (prefix == "i:") {
    int64_t index = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), index);
    if (ec == std::errc() && end == rest.data() + rest.size() && !rest.empty()) {
      return Index(index);
    }
  }
  return Error(Code::kInvalidArgument, "invalid FieldsV1 key {:?}", text);
}

std::string PathElement::String() const {
  switch (kind_) {
    case Kind::kField:
      return "." + name_;
    case Kind::kKey: {
      std::string out = "[";
      for (const auto& member : key()) {
        if (out.size() > 1) out += ',';
        out += View(member.key());
        out += '=';
        out += json::serialize(member.value());
      }
      return out + "]";
    }
    case Kind::kValue:
      return "[=" + json::serialize(value_) + "]";
    case Kind::kIndex:
      return "[" + std::to_string(index_) + "]";
  }
  return "";
}

int PathElement::Compare(const PathElement& other) const {
  if (kind_ != other.kind_) return kind_ < other.kind_ ? -1 : 1;
  switch (kind_) {
    case Kind::kField:
      return Sign(name_.compare(other.name_));
    case Kind::kKey:
      return CompareKeys(key(), other.key());
    case Kind::kValue:
      return CompareJson(value_, other.value_);
    case Kind::kIndex:
      return index_ < other.index_ ? -1 : (index_ > other.index_ ? 1 : 0);
  }
  return 0;
}

std::string FieldPathString(const FieldPath& path) {
  std::string out;
  for (const PathElement& element : path) out += element.String();
  return out.empty() ? "." : out;
}

FieldSet::Entry& FieldSet::Child(const PathElement& element) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), element,
                             [](const Entry& e, const PathElement& pe) { return e.element < pe; });
  if (it != entries_.end() && it->element == element) return *it;
  return *entries_.insert(it, Entry{element, false, FieldSet()});
}

const FieldSet::Entry* FieldSet::Find(const PathElement& element) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), element,
                             [](const Entry& e, const PathElement& pe) { return e.element < pe; });
  return it != entries_.end() && it->element == element ? &*it : nullptr;
}

void FieldSet::Insert(const FieldPath& path) {
  FieldSet* set = this;
  for (size_t i = 0; i < path.size(); ++i) {
    Entry& entry = set->Child(path[i]);
    if (i + 1 == path.size()) entry.member = true;
    set = &entry.children;
  }
}

bool FieldSet::Has(const FieldPath& path) const {
  const FieldSet* set = this;
  for (size_t i = 0; i < path.size(); ++i) {
    const Entry* entry = set->Find(path[i]);
    if (entry == nullptr) return false;
    if (i + 1 == path.size()) return entry->member;
    set = &entry->children;
  }
  return false;
}

void FieldSet::Prune() {
  std::erase_if(entries_, [](const Entry& e) { return !e.member && e.children.empty(); });
}

FieldSet FieldSet::Union(const FieldSet& other) const {
  FieldSet out = *this;
  for (const Entry& theirs : other.entries_) {
    Entry& mine = out.Child(theirs.element);
    mine.member = mine.member || theirs.member;
    mine.children = mine.children.Union(theirs.children);
  }
  return out;
}

FieldSet FieldSet::Intersection(const FieldSet& other) const {
  FieldSet out;
  for (const Entry& mine : entries_) {
    const Entry* theirs = other.Find(mine.element);
    if (theirs == nullptr) continue;
    out.entries_.push_back(Entry{mine.element, mine.member && theirs->member,
                                 mine.children.Intersection(theirs->children)});
  }
  out.Prune();
  return out;
}

FieldSet FieldSet::Difference(const FieldSet& other) const {
  FieldSet out;
  for (const Entry& mine : entries_) {
    const Entry* theirs = other.Find(mine.element);
    if (theirs == nullptr) {
      out.entries_.push_back(mine);
      continue;
    }
    out.entries_.push_back(Entry{mine.element, mine.member && !theirs->member,
                                 mine.children.Difference(theirs->children)});
  }
  out.Prune();
  return out;
}

FieldSet FieldSet::RecursiveDifference(const FieldSet& other) const {
  FieldSet out;
  for (const Entry& mine : entries_) {
    const Entry* theirs = other.Find(mine.element);
    if (theirs == nullptr) {
      out.entries_.push_back(mine);
    } else if (!theirs->member) {
      out.entries_.push_back(
          Entry{mine.element, mine.member, mine.children.RecursiveDifference(theirs->children)});
    }
  }
  out.Prune();
  return out;
}

bool FieldSet::operator==(const FieldSet& other) const {
  if (entries_.size() != other.entries_.size()) return false;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& a = entries_[i];
    const Entry& b = other.entries_[i];
    if (!(a.element == b.element) || a.member != b.member || !(a.children == b.children)) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> FieldSet::PathStrings() const {
  std::vector<std::string> out;
  ForEachPath([&out](const FieldPath& path) { out.push_back(FieldPathString(path)); });
  return out;
}

json::object FieldSet::ToFieldsV1() const {
  json::object out;
  for (const Entry& entry : entries_) {
    json::object node;
    if (entry.member && !entry.children.empty()) node.emplace(".", json::object());
    for (auto& member : entry.children.ToFieldsV1()) node.emplace(member.key(), member.value());
    out.emplace(entry.element.FieldsV1Key(), std::move(node));
  }
  return out;
}

Result<FieldSet> FieldSet::FromFieldsV1(const json::value& fields) {
  const json::object* object = fields.if_object();
  if (object == nullptr) return Error(Code::kInvalidArgument, "FieldsV1 must be a JSON object");
  FieldSet out;
  for (const auto& member : *object) {
    std::string_view key = View(member.key());
    const json::object* below = member.value().if_object();
    if (key == "." || below == nullptr) {
      return Error(Code::kInvalidArgument, "invalid FieldsV1 entry {:?}", key);
    }
    MINI_ASSIGN_OR_RETURN(PathElement element, PathElement::ParseFieldsV1Key(key));
    json::object children = *below;
    bool member_itself = children.empty() || children.erase(".") > 0;
    MINI_ASSIGN_OR_RETURN(FieldSet child_set, FromFieldsV1(children));
    Entry& entry = out.Child(element);
    entry.member = entry.member || member_itself;
    entry.children = entry.children.Union(child_set);
  }
  out.Prune();
  return out;
}

}  // namespace mini::cluster::api::patch
