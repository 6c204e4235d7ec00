#include "cluster/apiserver/http.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <atomic>
#include <map>
#include <optional>

namespace mini::cluster::apiserver {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

Result<std::string> Unescape(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int low = high >= 0 ? HexValue(text[i + 2]) : -1;
      if (low < 0) {
        return Error(Code::kInvalidArgument, "invalid escape in '{}'", text);
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
  return out;
}

struct Mapping {
  int code;
  std::string_view reason;
};

Mapping MapCode(Code code) {
  switch (code) {
    case Code::kOk:
      return {200, ""};
    case Code::kNotFound:
      return {404, "NotFound"};
    case Code::kAlreadyExists:
      return {409, "AlreadyExists"};
    case Code::kConflict:
      return {409, "Conflict"};
    case Code::kFailedPrecondition:
      return {409, "Conflict"};
    case Code::kInvalidArgument:
      return {400, "BadRequest"};
    case Code::kPermissionDenied:
      return {403, "Forbidden"};
    case Code::kResourceExhausted:
      return {413, "RequestEntityTooLarge"};
    case Code::kUnavailable:
      return {503, "ServiceUnavailable"};
    case Code::kDeadlineExceeded:
      return {504, "Timeout"};
    case Code::kOutOfRange:
      return {410, "Expired"};  // a compacted resourceVersion: Kubernetes answers 410 Gone
    case Code::kUnimplemented:
      return {405, "MethodNotAllowed"};
    case Code::kCancelled:
    case Code::kInternal:
      return {500, "InternalError"};
  }
  return {500, "InternalError"};
}

}  // namespace

UserInfo AnonymousUser() { return UserInfo{"system:anonymous", {"system:unauthenticated"}, false}; }

void Fields::Add(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

bool Fields::Matches(std::string_view a, std::string_view b) const {
  if (!ignore_case_) {
    return a == b;
  }
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> Fields::Get(std::string_view name) const {
  for (const auto& [key, value] : items_) {
    if (Matches(key, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::vector<std::string> Fields::GetAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : items_) {
    if (Matches(key, name)) {
      values.push_back(value);
    }
  }
  return values;
}

Status ParseTarget(std::string_view target, std::string* path, Fields* query) {
  size_t question = target.find('?');
  MINI_ASSIGN_OR_RETURN(*path, Unescape(target.substr(0, question), false));
  if (question == std::string_view::npos) {
    return Status::Ok();
  }
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    MINI_ASSIGN_OR_RETURN(std::string key, Unescape(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      MINI_ASSIGN_OR_RETURN(value, Unescape(pair.substr(eq + 1), true));
    }
    query->Add(std::move(key), std::move(value));
  }
  return Status::Ok();
}

Response TextResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

Response JsonResponse(int status, const boost::json::object& object) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(object);
  return response;
}

Response JsonResponse(int status, const boost::json::value& value) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(value);
  return response;
}

Response StatusResponse(int code, std::string_view reason, std::string_view message) {
  boost::json::object status;
  status["kind"] = "Status";
  status["apiVersion"] = "v1";
  status["metadata"] = boost::json::object();
  status["status"] = code < 400 ? "Success" : "Failure";
  if (!message.empty()) {
    status["message"] = message;
  }
  if (!reason.empty()) {
    status["reason"] = reason;
  }
  status["code"] = code;
  return JsonResponse(code, status);
}

Response ErrorResponse(const Status& status) {
  Mapping mapping = MapCode(status.code());
  // A Kubernetes reason set by the registry is more precise than the code's default
  // (Invalid is a 422, not a 400; Gone and Expired are both 410).
  static const std::map<std::string_view, int> kReasons = {{"BadRequest", 400},
                                                           {"Unauthorized", 401},
                                                           {"Forbidden", 403},
                                                           {"NotFound", 404},
                                                           {"MethodNotAllowed", 405},
                                                           {"NotAcceptable", 406},
                                                           {"AlreadyExists", 409},
                                                           {"Conflict", 409},
                                                           {"Gone", 410},
                                                           {"Expired", 410},
                                                           {"RequestEntityTooLarge", 413},
                                                           {"UnsupportedMediaType", 415},
                                                           {"Invalid", 422},
                                                           {"TooManyRequests", 429},
                                                           {"InternalError", 500},
                                                           {"ServiceUnavailable", 503},
                                                           {"Timeout", 504}};
  if (auto known = kReasons.find(status.reason()); known != kReasons.end()) {
    mapping = {known->second, known->first};
  }
  Response response = StatusResponse(mapping.code, mapping.reason, status.message());
  if (!status.detail().empty()) {
    boost::system::error_code error;
    boost::json::value details = boost::json::parse(status.detail(), error);
    if (!error) {
      boost::json::value body = boost::json::parse(response.body);
      body.as_object()["details"] = std::move(details);
      response.body = boost::json::serialize(body);
    }
  }
  return response;
}

namespace {

// Answers into a TaskLoop that the resolving thread runs.
class LoopResponder final : public Responder {
 public:
  LoopResponder(TaskLoop& loop, std::shared_ptr<std::optional<Response>> answer)
      : loop_(loop), post_(loop.Poster()), answer_(std::move(answer)) {}
  ~LoopResponder() override {
    Send(StatusResponse(500, "InternalError", "the request was dropped without an answer"));
  }

  void Post(Task task) override { post_(std::move(task)); }
  void Send(Response response) override {
    if (sent_.exchange(true)) return;
    // Stored by the loop's thread, which is still running: only this task stops it.
    post_([this_loop = &loop_, answer = answer_, response = std::move(response)]() mutable {
      *answer = std::move(response);
      this_loop->Stop();
    });
  }

 private:
  TaskLoop& loop_;
  const mini::Post post_;
  std::shared_ptr<std::optional<Response>> answer_;
  std::atomic<bool> sent_ = false;
};

}  // namespace

Post PostTo(std::shared_ptr<Responder> responder) {
  return [responder = std::move(responder)](Task task) { responder->Post(std::move(task)); };
}

Response Deferred(std::function<void(std::shared_ptr<Responder>)> start) {
  Response response;
  response.deferred = std::move(start);
  return response;
}

Response Resolve(Response response) {
  if (!response.deferred) return response;
  TaskLoop loop;
  auto answer = std::make_shared<std::optional<Response>>();
  response.deferred(std::make_shared<LoopResponder>(loop, answer));
  loop.Run();
  return std::move(**answer);
}

}  // namespace mini::cluster::apiserver
