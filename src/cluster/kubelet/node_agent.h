// The node's presence in the cluster: registers the Node, renews its Lease in
// kube-node-lease every 10 s (the heartbeat the node lifecycle watches) and writes the node's
// status when it changes, or every minute as a heartbeat, as the kubelet does.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "cluster/client/client.h"
#include "cluster/kubelet/node_status.h"

namespace mini::cluster::kubelet {

struct NodeAgentOptions {
  NodeConfig node;
  std::filesystem::path data_dir;  // its filesystem is the node's ephemeral storage
  std::chrono::milliseconds lease_interval{std::chrono::seconds(10)};
  std::chrono::milliseconds status_interval{std::chrono::minutes(1)};
};

class NodeAgent {
 public:
  /// `runtime` says whether pods can run now; `client` must outlive the agent.
  NodeAgent(client::Client& client, NodeAgentOptions options,
            std::function<RuntimeState()> runtime);
  ~NodeAgent();
  NodeAgent(const NodeAgent&) = delete;
  NodeAgent& operator=(const NodeAgent&) = delete;

  /// Registers the node (creating it or taking over an existing one of that name), writes its
  /// status and its first lease. Blocks.
  Status Register();
  /// Starts the heartbeats. Call after a successful Register.
  void Start();
  /// Stops the heartbeats; idempotent.
  void Stop();

 private:
  Status RenewLease();
  Status UpdateStatus(bool force);
  void Loop();

  client::Client& client_;
  const NodeAgentOptions options_;
  const std::function<RuntimeState()> runtime_;
  std::string node_uid_;
  std::chrono::steady_clock::time_point last_status_{};

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mini::cluster::kubelet
