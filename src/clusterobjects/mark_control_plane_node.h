#pragma once
// mark-control-plane's API side, the same for init and a control-plane join: wait for the Node
// its kubelet registers, then add the control-plane labels and taints to it.

#include <string>

#include "apiclient/client.h"
#include "clusterobjects/control_plane_node.h"
#include "common/duration.h"
#include "common/error.h"

namespace kadm::clusterobjects {

// Waits up to `timeout` for `node` to exist, watching for it (a "[mark-control-plane]" progress
// line while it is not there), then merge-patches `marks` onto it, reading it again after a
// refused patch until they stick.
Status mark_control_plane_node(apiclient::Client& client, const std::string& node,
                               const ControlPlaneMarks& marks, Duration timeout);

}  // namespace kadm::clusterobjects
