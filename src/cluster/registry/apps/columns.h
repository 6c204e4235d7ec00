// Table columns every group's kinds print the same way: the name first, the age near the end.
#pragma once

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry::apps {

inline Column NameColumn() {
  return {"Name", "string", "name", "Name must be unique within a namespace.", 0};
}
inline Column AgeColumn() {
  return {"Age", "string", "", "How long ago the object was created.", 0};
}
inline Column ContainersColumn() {
  return {"Containers", "string", "", "Names of the containers in the pod template.", 1};
}
inline Column ImagesColumn() {
  return {"Images", "string", "", "Images of the containers in the pod template.", 1};
}
inline Column SelectorColumn() {
  return {"Selector", "string", "", "Label selector of the pods this object manages.", 1};
}

}  // namespace mini::cluster::registry::apps
