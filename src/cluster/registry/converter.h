// Resources served in one form and stored in another's. Kubernetes keeps a single copy of
// objects that two APIs serve: events.k8s.io/v1 Events are core/v1 Events in the datastore, so
// each API sees what the other wrote, with the same uid and resourceVersion. The storage of such
// a resource reads and writes the other resource's keys and converts at the datastore boundary
// only, so strategies, selectors, Tables and watches all see the form the client asked for.
//
// Resources without a converter are stored as they are served (the usual case).
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>

namespace mini::cluster::registry {

class Converter {
 public:
  /// The resource whose datastore keys hold the objects, e.g. {"", "events"}.
  struct Location {
    std::string group;
    std::string resource;
  };

  virtual ~Converter() = default;
  virtual Location StoredAs() const = 0;
  /// Both directions must be lossless, so that an object read through one API and written
  /// back through the other is unchanged; apiVersion is set to the target form's.
  virtual boost::json::object ToStorage(boost::json::object served) const = 0;
  virtual boost::json::object FromStorage(boost::json::object stored) const = 0;
};

/// The converter of group/version/resource, from the one list in converters.cc; nullptr when
/// the objects are stored as served.
std::unique_ptr<Converter> NewConverter(const std::string& group, const std::string& version,
                                        const std::string& resource);

}  // namespace mini::cluster::registry
