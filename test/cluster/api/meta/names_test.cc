#include "cluster/api/meta/names.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

namespace mini::api::meta {
namespace {

using Validator = std::vector<std::string> (*)(std::string_view);

struct Case {
  std::string value;
  bool valid;
};

void CheckTable(Validator validate, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(validate(c.value).empty() == c.valid);
  }
}

const std::string kSubdomainRegexError =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string kLabelRegexError =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

}  // namespace

TEST_SUITE("api/meta/names") {
  TEST_CASE("DNS-1123 subdomains accept dotted lowercase names up to 253 characters") {
    CheckTable(IsDns1123Subdomain, {{"a", true},
                                    {"nginx", true},
                                    {"my-app.example.com", true},
                                    {"0", true},
                                    {"1.2.3.4", true},
                                    {"a-b", true},
                                    {std::string(253, 'a'), true},
                                    {std::string(253, 'a') + "b", false},
                                    {"", false},
                                    {"Nginx", false},
                                    {"-a", false},
                                    {"a-", false},
                                    {".a", false},
                                    {"a.", false},
                                    {"a..b", false},
                                    {"a.-b", false},
                                    {"a-.b", false},
                                    {"a_b", false},
                                    {"a b", false},
                                    {"a/b", false},
                                    {std::string("a\0b", 3), false},
                                    {"é", false}});
  }

  TEST_CASE("DNS-1123 subdomain errors carry upstream's wording") {
    CHECK(IsDns1123Subdomain("Bad_Name") == std::vector<std::string>{kSubdomainRegexError});
    // Too long and ill-formed: both problems are reported, length first.
    std::vector<std::string> errors = IsDns1123Subdomain(std::string(254, 'A'));
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] == "must be no more than 253 characters");
    CHECK(errors[1] == kSubdomainRegexError);
    CHECK(IsDns1123Subdomain(std::string(254, 'a')) ==
          std::vector<std::string>{"must be no more than 253 characters"});
  }

  TEST_CASE("DNS-1123 labels are single lowercase labels up to 63 characters") {
    CheckTable(IsDns1123Label, {{"a", true},
                                {"kube-system", true},
                                {"0abc", true},
                                {std::string(63, 'z'), true},
                                {std::string(64, 'z'), false},
                                {"", false},
                                {"a.b", false},
                                {"-a", false},
                                {"a-", false},
                                {"A", false},
                                {"a_b", false}});
  }

  TEST_CASE("DNS-1123 label errors say dots when only the dots are wrong") {
    CHECK(IsDns1123Label("a.b") == std::vector<std::string>{"must not contain dots"});
    std::vector<std::string> errors = IsDns1123Label("My_Namespace");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].starts_with("a lowercase RFC 1123 label must consist of lower case"));
    CHECK(errors[0].ends_with("regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
    // Upstream puts two spaces before "or" (each example ends with ", "); kubectl users see
    // exactly that, so it is kept.
    CHECK(errors[0] == kLabelRegexError);
    CHECK(IsDns1123Label(std::string(64, 'a')) ==
          std::vector<std::string>{"must be no more than 63 characters"});
  }

  TEST_CASE("DNS-1035 labels must start with a letter") {
    CheckTable(IsDns1035Label, {{"a", true},
                                {"my-svc", true},
                                {"abc-123", true},
                                {"a1", true},
                                {std::string(63, 'a'), true},
                                {std::string(64, 'a'), false},
                                {"1abc", false},
                                {"-abc", false},
                                {"abc-", false},
                                {"", false},
                                {"a.b", false},
                                {"Abc", false}});
    CHECK(IsDns1035Label("1svc") ==
          std::vector<std::string>{
              "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
              "with an alphabetic character, and end with an alphanumeric character (e.g. "
              "'my-name',  or 'abc-123', regex used for validation is "
              "'[a-z]([-a-z0-9]*[a-z0-9])?')"});
  }

  TEST_CASE("path segment names reject dot names, slashes and percents") {
    CheckTable(IsValidPathSegmentName, {{"system:controller:foo", true},
                                        {"Admin Role", true},
                                        {"...", true},
                                        {".a", true},
                                        {"", true},
                                        {".", false},
                                        {"..", false},
                                        {"a/b", false},
                                        {"50%", false}});
    CHECK(IsValidPathSegmentName("..") == std::vector<std::string>{"may not be '..'"});
    CHECK(IsValidPathSegmentName(".") == std::vector<std::string>{"may not be '.'"});
    CHECK(IsValidPathSegmentName("a/%") ==
          std::vector<std::string>{"may not contain '/'", "may not contain '%'"});
  }

  TEST_CASE("qualified names take an optional subdomain prefix") {
    CheckTable(IsQualifiedName, {{"app", true},
                                 {"App_Name.v1", true},
                                 {"app.kubernetes.io/name", true},
                                 {"k8s.io/MyName", true},
                                 {"a/b", true},
                                 {std::string(63, 'x'), true},
                                 {std::string(253, 'p') + "/" + std::string(63, 'n'), true},
                                 {std::string(64, 'x'), false},
                                 {"", false},
                                 {"/name", false},
                                 {"prefix/", false},
                                 {"Example.com/name", false},
                                 {"a/b/c", false},
                                 {"-app", false},
                                 {"app_", false},
                                 {"a b", false},
                                 {"example.com/-x", false}});
  }

  TEST_CASE("qualified name errors name the part at fault") {
    std::vector<std::string> errors = IsQualifiedName("-app");
    CHECK(
        errors ==
        std::vector<std::string>{
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
            "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"});
    errors = IsQualifiedName("/");
    REQUIRE(errors.size() == 3);
    CHECK(errors[0] == "prefix part must be non-empty");
    CHECK(errors[1] == "name part must be non-empty");
    CHECK(errors[2].starts_with("name part must consist of"));
    errors = IsQualifiedName("Bad.Prefix/name");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].starts_with("prefix part a lowercase RFC 1123 subdomain must consist"));
    CHECK(IsQualifiedName(std::string(64, 'x')) ==
          std::vector<std::string>{"name part must be no more than 63 characters"});
    errors = IsQualifiedName("a/b/c");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].starts_with("a qualified name must consist of"));
    CHECK(errors[0].ends_with(
        "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
  }

  TEST_CASE("label values may be empty or a qualified name part") {
    CheckTable(IsValidLabelValue, {{"", true},
                                   {"v1", true},
                                   {"My_Value.2", true},
                                   {"12345", true},
                                   {std::string(63, 'v'), true},
                                   {std::string(64, 'v'), false},
                                   {"-v", false},
                                   {"v-", false},
                                   {"a/b", false},
                                   {"a b", false},
                                   {"v:1", false}});
    CHECK(IsValidLabelValue("v:1") ==
          std::vector<std::string>{
              "a valid label must be an empty string or consist of alphanumeric characters, '-', "
              "'_' or '.', and must start and end with an alphanumeric character (e.g. "
              "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
              "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"});
    CHECK(IsValidLabelValue(std::string(64, 'v')) ==
          std::vector<std::string>{"must be no more than 63 characters"});
  }

  TEST_CASE("MaskTrailingDash lets a generateName prefix end with a dash") {
    CHECK(MaskTrailingDash("web-") == "weba");
    CHECK(MaskTrailingDash("web") == "web");
    CHECK(MaskTrailingDash("-") == "-");
    CHECK(MaskTrailingDash("") == "");
    CHECK(IsDns1123Subdomain(MaskTrailingDash("web-")).empty());
    CHECK_FALSE(IsDns1123Subdomain(MaskTrailingDash("-")).empty());
  }

  TEST_CASE("GenerateName appends five characters of Kubernetes' alphabet") {
    const std::string alphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::set<std::string> seen;
    std::set<char> used;
    for (int i = 0; i < 2000; ++i) {
      std::string name = GenerateName("web-");
      REQUIRE(name.size() == 9);
      REQUIRE(name.starts_with("web-"));
      for (char c : name.substr(4)) {
        REQUIRE(alphabet.find(c) != std::string::npos);
        used.insert(c);
      }
      CHECK(IsDns1123Label(name).empty());
      seen.insert(name);
    }
    // 27^5 (14 million) possible suffixes: 2000 draws expect 0.14 birthday collisions, so ten
    // or more (odds below 1e-16) means a broken source, while one or two happen by chance.
    CHECK(seen.size() > 1990);
    CHECK(used.size() == alphabet.size());  // every character turns up in 10,000 draws
  }

  TEST_CASE("GenerateName suffix characters are equally likely") {
    // A byte taken modulo 27 would favour the first 256 % 27 = 13 characters (10/256 instead of
    // 9/256 each): their share would be 0.508 instead of 13/27 = 0.481. Over 100,000
    // characters the standard deviation is 0.0016, so the midpoint 0.495 is 8 deviations from
    // either answer.
    const std::string favoured = "bcdfghjklmnpq";  // the first 13 of the alphabet
    int hits = 0;
    constexpr int kNames = 20000;
    for (int i = 0; i < kNames; ++i) {
      for (char c : GenerateName("")) hits += favoured.find(c) != std::string::npos ? 1 : 0;
    }
    double share = static_cast<double>(hits) / (kNames * 5);
    CHECK(share > 13.0 / 27 - 0.0135);
    CHECK(share < 0.495);
  }

  TEST_CASE("GenerateName cuts long bases to keep the name within 63 characters") {
    std::string base(100, 'a');
    std::string name = GenerateName(base);
    CHECK(name.size() == 63);
    CHECK(name.substr(0, 58) == std::string(58, 'a'));
    CHECK(name.substr(58).find('a') == std::string::npos);
    CHECK(GenerateName(std::string(58, 'b')).size() == 63);
    CHECK(GenerateName(std::string(57, 'b')).size() == 62);
    CHECK(GenerateName("").size() == 5);
  }
}

}  // namespace mini::api::meta
