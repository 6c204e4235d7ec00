#!/usr/bin/env python3
"""Checks mini's OpenAPI documents against the real kubectl. Run by hand; no CI job runs it.

Builds openapi_dump, writes the documents of the compiled-in schema, serves them from a stub
API server (plain HTTP on 127.0.0.1, legacy discovery, an in-memory object map) and runs kubectl
commands that read OpenAPI: explain, client-side apply (create, then a strategic merge patch
computed from the schemas), server-side apply and create -f. It fails when kubectl errors,
prints an OpenAPI warning, falls back to /openapi/v2, or does not send fieldValidation=Strict.

    test/cluster/api/openapi/kubectl_check.py [--build-dir build-openapi] [--kubectl kubectl]
                                              [--no-build | --docs <openapi_dump output>]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = pathlib.Path(__file__).resolve().parents[4]

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {{name: MODE, value: "{mode}"}}
        ports:
        - {{containerPort: 80}}
"""

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: default}
data: {greeting: hello}
"""


class Stub:
    """The documents, the discovery built from resources.json, and what kubectl sent."""

    def __init__(self, docs):
        self.docs = docs
        self.resources = json.loads((docs / "resources.json").read_text())
        self.objects = {}
        self.requests = []
        self.lock = threading.Lock()

    def discovery(self, path):
        by_gv = {}
        for r in self.resources:
            by_gv.setdefault((r["group"], r["version"]), []).append(r)
        if path == "/api":
            return {"kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                    "serverAddress": "127.0.0.1"}]}
        if path == "/apis":
            groups = []
            for group, version in by_gv:
                if group:
                    gv = {"groupVersion": f"{group}/{version}", "version": version}
                    groups.append({"name": group, "versions": [gv], "preferredVersion": gv})
            return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
        for (group, version), resources in by_gv.items():
            gv_path = f"/apis/{group}/{version}" if group else f"/api/{version}"
            if path == gv_path:
                items = [{"name": r["plural"], "singularName": r["singular"],
                          "namespaced": r["namespaced"], "kind": r["kind"], "verbs": r["verbs"],
                          "shortNames": r["shortNames"], "categories": r["categories"]}
                         for r in resources]
                return {"kind": "APIResourceList", "apiVersion": "v1",
                        "groupVersion": f"{group}/{version}" if group else version,
                        "resources": items}
        return None


def make_handler(stub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, code, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def not_found(self):
            self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                             "reason": "NotFound", "code": 404, "message": "not found"})

        def handle_any(self):
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with stub.lock:
                stub.requests.append({"method": self.command, "path": url.path,
                                      "query": urllib.parse.parse_qs(url.query),
                                      "type": self.headers.get("Content-Type", ""),
                                      "body": body.decode(errors="replace")})
            if url.path == "/version":
                return self.reply(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.4"})
            if url.path == "/openapi/v3":
                return self.reply(200, (stub.docs / "v3.json").read_bytes())
            if url.path.startswith("/openapi/v3/"):
                doc = stub.docs / "v3" / (url.path[len("/openapi/v3/"):] + ".json")
                return self.reply(200, doc.read_bytes()) if doc.is_file() else self.not_found()
            if url.path == "/openapi/v2":
                return self.not_found()  # kubectl only takes protobuf here
            found = stub.discovery(url.path)
            if found is not None:
                return self.reply(200, found)
            return self.objects(url.path, body)

        def objects(self, path, body):
            with stub.lock:
                if self.command == "GET":
                    obj = stub.objects.get(path)
                    return self.reply(200, obj) if obj else self.not_found()
                if self.command == "POST":
                    obj = json.loads(body)
                    stub.objects[path + "/" + obj["metadata"]["name"]] = obj
                    return self.reply(201, obj)
                if self.command == "PATCH":
                    if "apply-patch" in self.headers.get("Content-Type", ""):
                        created = path not in stub.objects
                        stub.objects.setdefault(path, json.loads(body))
                        return self.reply(201 if created else 200, stub.objects[path])
                    obj = stub.objects.get(path)
                    return self.reply(200, obj) if obj else self.not_found()
            return self.not_found()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    return Handler


class Checker:
    def __init__(self, kubectl, port, work):
        self.kubectl = kubectl
        self.work = work
        self.failures = []
        config = work / "kubeconfig"
        config.write_text(json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": "stub",
            "clusters": [{"name": "stub", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
            "users": [{"name": "stub", "user": {}}],
            "contexts": [{"name": "stub", "context": {"cluster": "stub", "user": "stub"}}]}))
        self.env = dict(os.environ, KUBECONFIG=str(config))

    def run(self, what, args, stdin=None, expect=()):
        cmd = [self.kubectl, "--cache-dir", str(self.work / "cache")] + args
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=self.env,
                              timeout=60)
        problems = []
        if done.returncode != 0:
            problems.append(f"exit {done.returncode}")
        if "openapi" in done.stderr.lower() or "warning" in done.stderr.lower():
            problems.append("stderr mentions OpenAPI or a warning")
        problems += [f"output lacks {text!r}" for text in expect if text not in done.stdout]
        status = "FAIL" if problems else "ok"
        print(f"[{status}] {what}")
        if problems:
            self.failures.append(what)
            print("    " + "; ".join(problems))
            print("    stdout: " + done.stdout.strip().replace("\n", "\n            ")[:2000])
            print("    stderr: " + done.stderr.strip()[:2000])
        return done

    def require(self, what, condition):
        print(f"[{'ok' if condition else 'FAIL'}] {what}")
        if not condition:
            self.failures.append(what)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=str(ROOT / "build-openapi"))
    parser.add_argument("--kubectl", default="kubectl")
    parser.add_argument("--no-build", action="store_true", help="use openapi_dump as built")
    parser.add_argument("--docs", help="serve documents openapi_dump wrote here earlier")
    args = parser.parse_args()

    if not args.no_build and not args.docs:
        subprocess.run(["cmake", "--build", args.build_dir, "--target", "openapi_dump"],
                       check=True)
    dump = pathlib.Path(args.build_dir) / "test/cluster/api/openapi/openapi_dump"
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        docs = pathlib.Path(args.docs) if args.docs else work / "docs"
        if not args.docs:
            subprocess.run([str(dump), str(docs)], check=True)
        stub = Stub(docs)
        server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(stub))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        check = Checker(args.kubectl, server.server_address[1], work)

        check.run("explain deployment.spec.template.spec.containers",
                  ["explain", "deployment.spec.template.spec.containers"],
                  expect=["GROUP:      apps", "KIND:       Deployment",
                          "FIELD: containers <[]Container>", "env\t<[]EnvVar>"])
        check.run("explain service.spec.ports.targetPort",
                  ["explain", "service.spec.ports.targetPort"],
                  expect=["FIELD: targetPort <IntOrString>"])
        check.run("explain pods --recursive", ["explain", "pods", "--recursive"],
                  expect=["containers\t<[]Container>", "resources\t<ResourceRequirements>"])
        check.run("explain pod.spec.containers.resources.limits",
                  ["explain", "pod.spec.containers.resources.limits"],
                  expect=["FIELD: limits <map[string]Quantity>"])

        check.run("apply -f (create)", ["apply", "-f", "-"],
                  stdin=DEPLOYMENT.format(replicas=1, mode="one"),
                  expect=["deployment.apps/web created"])
        check.run("apply -f (patch computed from OpenAPI)", ["apply", "-f", "-"],
                  stdin=DEPLOYMENT.format(replicas=2, mode="two"),
                  expect=["deployment.apps/web configured"])
        check.run("create -f configmap", ["create", "-f", "-"], stdin=CONFIGMAP,
                  expect=["configmap/settings created"])
        check.run("apply --server-side", ["apply", "--server-side", "-f", "-"],
                  stdin=CONFIGMAP.replace("settings", "ssa"),
                  expect=["configmap/ssa serverside-applied"])

        writes = [r for r in stub.requests if r["method"] in ("POST", "PUT", "PATCH")]
        check.require("every write asked for fieldValidation=Strict",
                      bool(writes) and all(r["query"].get("fieldValidation") == ["Strict"]
                                           for r in writes))
        patches = [r for r in writes if r["type"] == "application/strategic-merge-patch+json"]
        check.require("client-side apply sent a strategic merge patch", len(patches) == 1)
        if patches:
            patch = json.loads(patches[0]["body"])
            containers = patch.get("spec", {}).get("template", {}).get("spec", {})
            check.require("the patch merges containers by name",
                          containers.get("$setElementOrder/containers") == [{"name": "web"}])
        check.require("kubectl never fell back to /openapi/v2",
                      not any(r["path"] == "/openapi/v2" for r in stub.requests))
        server.shutdown()

    if check.failures:
        print(f"{len(check.failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
