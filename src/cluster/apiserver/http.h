// The API server's request and response model, free of Beast and Asio so handlers (discovery,
// REST storage, watch, logs) compile quickly and can be tested without a socket.
//
// A handler turns a Request into a Response. A response body known up front goes in `body`; a
// body produced over time (watch events, followed logs) is a BodyStream the server drives after
// sending the head; a response known only later (a write waiting for its commit) is deferred and
// sent through a Responder, so the handler's thread goes on serving others meanwhile. Values
// here are plain data: copy and move them freely.
#pragma once

#include <boost/json/fwd.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/task_loop.h"

namespace mini::cluster::apiserver {

/// Who sent a request, as authentication established it.
struct UserInfo {
  std::string name;                 // certificate CN, a token's subject, or "system:anonymous"
  std::vector<std::string> groups;  // certificate O values or a token's groups, plus system:*
  bool authenticated = false;
  std::string uid;  // a service account's uid; empty for certificate users
  /// What else the credential says, e.g. the pod a token is bound to (Kubernetes' "extra").
  std::map<std::string, std::vector<std::string>> extra;
};

UserInfo AnonymousUser();

/// Ordered name/value pairs. Query keys may repeat (exec's `command`), so this is not a map.
class Fields {
 public:
  void Add(std::string name, std::string value);
  /// First value of `name`, or nullopt. Header lookups ignore case; query lookups do not.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  /// Every value of `name`, in order.
  std::vector<std::string> GetAll(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  /// Header fields compare names case-insensitively (HTTP); query fields exactly.
  static Fields Headers() { return Fields(true); }
  static Fields Query() { return Fields(false); }

 private:
  explicit Fields(bool ignore_case) : ignore_case_(ignore_case) {}
  bool Matches(std::string_view a, std::string_view b) const;

  bool ignore_case_;
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  std::string method;  // "GET", "POST", ... as sent
  std::string path;    // percent-decoded, without the query
  Fields query = Fields::Query();
  Fields headers = Fields::Headers();
  std::string body;
  UserInfo user;
  std::string remote_address;  // "ip:port" of the client
};

/// Splits a request target into its decoded path and query. kInvalidArgument on a malformed
/// percent escape. As Go's url.ParseQuery does, '+' in the query means a space.
Status ParseTarget(std::string_view target, std::string* path, Fields* query);

class StreamSink;

/// A response body produced over time. The server calls Start once after the head is sent and
/// Cancel once when the client goes away or the server stops; neither may block.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  /// Keep `sink` and write to it from any thread until done, then Close it.
  virtual void Start(std::shared_ptr<StreamSink> sink) = 0;
  /// Stop producing and drop the sink. May run concurrently with a Write on another thread;
  /// writes after Cancel are discarded.
  virtual void Cancel() = 0;
};

/// The connection end of a BodyStream. Thread-safe.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  /// Queues `data` (e.g. one watch event with its newline) and returns at once. False when the
  /// client has gone, the stream was closed or the client reads too slowly: stop writing then.
  virtual bool Write(std::string data) = 0;
  /// Ends the body after what is queued. Later writes return false.
  virtual void Close() = 0;
};

struct Response;

/// The server's end of a deferred response. Thread-safe.
class Responder {
 public:
  virtual ~Responder() = default;
  /// Runs `task` soon on a server thread, never inline: the continuations of the request.
  virtual void Post(Task task) = 0;
  /// Sends the response; only the first call counts. A responder released without one sends
  /// 500, so a request whose work was lost still gets an answer.
  virtual void Send(Response response) = 0;
};

/// A Post function running tasks through `responder`.
Post PostTo(std::shared_ptr<Responder> responder);

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  /// When set, `body` is ignored: the body is sent chunked as the stream produces it, and the
  /// connection closes when it ends.
  std::shared_ptr<BodyStream> stream;
  /// When set, everything above is ignored: the server calls it once, on its thread, right
  /// after the handler returns, and sends what the Responder is given. The Request stays
  /// valid until then.
  std::function<void(std::shared_ptr<Responder>)> deferred;
};

/// A response to be sent later through the Responder that `start` receives.
Response Deferred(std::function<void(std::shared_ptr<Responder>)> start);
/// Runs a deferred response to its end on the calling thread (its continuations too) and
/// returns what it sends; any other response is returned as it is. For in-process callers.
Response Resolve(Response response);

Response TextResponse(int status, std::string body);
Response JsonResponse(int status, const boost::json::value& value);
/// The same for an object, serialized in place: converting a large list to a value first
/// would copy all of it.
Response JsonResponse(int status, const boost::json::object& object);
/// A Kubernetes `Status` object (kind Status, status Failure) with this code, reason and message.
Response StatusResponse(int code, std::string_view reason, std::string_view message);
/// Maps a mini Status to the HTTP code and Kubernetes reason that clients expect for it.
Response ErrorResponse(const Status& status);

}  // namespace mini::cluster::apiserver
