#!/usr/bin/env bash
# Bad input gets one clear line, the exit code of its category, and changes nothing.
source "$(dirname "$0")/lib.sh"

run "$MINI" frobnicate
expect_code 14 "unknown command"
expect_contains "$ERR" 'unknown command "frobnicate"' "unknown command"

run "$MINI" start --driver=hyperv
expect_code 55 "unknown driver"
expect_contains "$ERR" 'choose one of: ' "unknown driver"
expect_contains "$ERR" 'native' "unknown driver lists native"

run "$MINI" start --memory=abc
expect_code 14 "--memory=abc"
expect_contains "$ERR" 'invalid memory "abc"' "--memory=abc"

run "$MINI" start --cpus=0
expect_code 14 "--cpus=0"
expect_contains "$ERR" 'invalid cpus "0"' "--cpus=0"

run "$MINI" start --registry-mirror=mirror.example
expect_code 14 "--registry-mirror without a scheme"
expect_contains "$ERR" 'invalid --registry-mirror "mirror.example"' "--registry-mirror"
[ ! -e "$MINI_HOME/profiles" ] || fail "a rejected start left a profile behind"

# Automatic choice: at -v every driver passed over is named with its reason, here kvm2 sent
# to a libvirt daemon that does not exist (--kvm-qemu-uri reaches its host check); a machine
# too small for the chosen driver then stops the start before anything is made.
run "$MINI" start -v -p small --memory=100mb --kvm-qemu-uri='qemu+unix:///system?socket=/nonexistent/sock'
[ "$CODE" -ne 0 ] || fail "a 100 MB machine started"
expect_contains "$ERR" "not using the kvm2 driver" "-v names a driver passed over"
[ ! -e "$MINI_HOME/profiles/small" ] || fail "a refused start left a profile behind"

run "$MINI" status -p nope
expect_code 85 "status of a missing profile"
expect_contains "$ERR" 'profile "nope" not found' "status of a missing profile"

run "$MINI" start -p ../evil
expect_code 14 "bad profile name"

# mount: bad paths are refused before the profile is looked at, then a missing profile
run "$MINI" mount "$WORK/nonexistent:/mnt/x"
expect_code 35 "mount of a missing host directory"
expect_contains "$ERR" "does not exist" "mount of a missing host directory"
touch "$WORK/a-file"
run "$MINI" mount "$WORK/a-file:/mnt/x"
expect_code 34 "mount of a file"
run "$MINI" mount "$WORK:relative"
expect_code 14 "mount on a relative guest path"
run "$MINI" mount "$WORK"
expect_code 14 "mount without a guest path"
run "$MINI" mount -p nope "$WORK:/mnt/x"
expect_code 85 "mount on a missing profile"
expect_contains "$ERR" 'profile "nope" not found' "mount on a missing profile"

# config
run "$MINI" config set memory 8g
expect_code 0 "config set"
run "$MINI" config get memory
[ "$OUT" = "8g" ] || fail "config get memory printed '$OUT'"
run "$MINI" config set cpus 0
expect_code 14 "config set cpus 0"
run "$MINI" config set colour blue
expect_code 14 "config set unknown key"
expect_contains "$ERR" "known keys" "config set unknown key"
run "$MINI" config set driver nosuch
expect_code 55 "config set driver nosuch"
run "$MINI" config view
expect_contains "$OUT" "- memory: 8g" "config view"
run "$MINI" config unset memory
expect_code 0 "config unset"
run "$MINI" config get memory
expect_code 15 "config get after unset"

# a damaged global config is reported, not overwritten
printf '{"memory": ' > "$MINI_HOME/config/config.json"
run "$MINI" config set cpus 2
[ "$CODE" -ne 0 ] || fail "config set over a damaged config.json succeeded"
[ "$(cat "$MINI_HOME/config/config.json")" = '{"memory": ' ] || fail "damaged config.json was rewritten"
rm "$MINI_HOME/config/config.json"

# a damaged profile: status names the file, delete still removes it
mkdir -p "$MINI_HOME/profiles/broken"
printf '{"Name": ' > "$MINI_HOME/profiles/broken/config.json"
run "$MINI" status -p broken
expect_code 14 "status of a damaged profile"
expect_contains "$ERR" "profiles/broken/config.json" "status of a damaged profile"
run "$MINI" delete -p broken
expect_code 0 "delete of a damaged profile"
[ ! -e "$MINI_HOME/profiles/broken" ] || fail "delete left the damaged profile"

# version, completion
run "$MINI" version -o json
expect_code 0 "version -o json"
[ "$(json_field "$OUT" miniVersion)" = "$("$MINI" version --short)" ] || fail "version json: $OUT"
run "$MINI" completion bash
bash -n <(echo "$OUT") || fail "bash completion is not valid bash"
expect_contains "$OUT" "update-context" "completion lists commands"
expect_contains "$OUT" "--apiserver-port" "completion lists flags"

finish
