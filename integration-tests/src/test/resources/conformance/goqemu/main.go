// Command libvirtseq drives two QMP monitors through the sequence libvirt uses for a live
// migration with a paused destination (-S --incoming defer) and pause-before-switchover,
// using DigitalOcean's go-qemu qmp package and only its raw command interface.
//
// Usage: libvirtseq SRC_QMP_SOCKET DST_QMP_SOCKET
//
// It prints one "ok ..." line per step and "PASS" at the end; on the first failure it prints
// "FAIL: ..." and exits with status 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// libvirt's "unlimited" migration bandwidth: QEMU_DOMAIN_MIG_BANDWIDTH_MAX MiB/s in bytes/s.
const unlimited = "9223372036853727232"

type side struct {
	name   string
	mon    *qmp.SocketMonitor
	events chan qmp.Event
}

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func connect(name, path string) *side {
	mon, err := qmp.NewSocketMonitor("unix", path, 10*time.Second)
	if err != nil {
		fail("%s: connect %s: %v", name, path, err)
	}
	if err := mon.Connect(); err != nil { // greeting, then qmp_capabilities
		fail("%s: qmp_capabilities: %v", name, err)
	}
	raw, err := mon.Events(context.Background())
	if err != nil {
		fail("%s: events: %v", name, err)
	}
	events := make(chan qmp.Event, 1024)
	go func() {
		for e := range raw {
			events <- e
		}
	}()
	fmt.Printf("ok %s: connected to %s %d.%d.%d (%s)\n", name, "QEMU", mon.Version.QEMU.Major,
		mon.Version.QEMU.Minor, mon.Version.QEMU.Micro, mon.Version.Package)
	return &side{name: name, mon: mon, events: events}
}

// run sends one raw command and returns its "return" value.
func (s *side) run(command string) interface{} {
	out, err := s.mon.Run([]byte(command))
	if err != nil {
		fail("%s: %s: %v", s.name, command, err)
	}
	var r struct {
		Return interface{} `json:"return"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		fail("%s: %s: reply %s: %v", s.name, command, out, err)
	}
	fmt.Printf("ok %s: %s\n", s.name, abbreviate(command))
	return r.Return
}

func abbreviate(s string) string {
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}

func (s *side) status() string {
	return s.run(`{"execute": "query-status"}`).(map[string]interface{})["status"].(string)
}

// awaitMigration waits for a MIGRATION event with the given status.
func (s *side) awaitMigration(status string) {
	deadline := time.After(60 * time.Second)
	for {
		select {
		case e := <-s.events:
			if e.Event == "MIGRATION" && e.Data["status"] == status {
				fmt.Printf("ok %s: event MIGRATION %s\n", s.name, status)
				return
			}
			if e.Event == "MIGRATION" && (e.Data["status"] == "failed" || e.Data["status"] == "cancelled") {
				fail("%s: migration %v while waiting for %s", s.name, e.Data["status"], status)
			}
		case <-deadline:
			fail("%s: no MIGRATION %s event within 60 s", s.name, status)
		}
	}
}

func checkSchema(s *side) {
	schema, ok := s.run(`{"execute": "query-qmp-schema"}`).([]interface{})
	if !ok || len(schema) == 0 {
		fail("%s: query-qmp-schema is not a non-empty array", s.name)
	}
	byName := map[string]map[string]interface{}{}
	for _, e := range schema {
		info := e.(map[string]interface{})
		byName[info["name"].(string)] = info
	}
	// libvirt probes these: migrate's 'resume', and migrate-incoming's 'exit-on-error'
	for cmd, member := range map[string]string{"migrate": "resume", "migrate-incoming": "exit-on-error",
		"migrate-set-parameters": "tls-creds"} {
		c, ok := byName[cmd]
		if !ok || c["meta-type"] != "command" {
			fail("%s: query-qmp-schema has no command %s", s.name, cmd)
		}
		args := byName[c["arg-type"].(string)]
		found := false
		for _, m := range args["members"].([]interface{}) {
			if m.(map[string]interface{})["name"] == member {
				found = true
			}
		}
		if !found {
			fail("%s: %s has no argument %s in query-qmp-schema", s.name, cmd, member)
		}
	}
	fmt.Printf("ok %s: query-qmp-schema describes %d entities\n", s.name, len(schema))
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: libvirtseq SRC_QMP_SOCKET DST_QMP_SOCKET")
	}
	src := connect("src", os.Args[1])
	dst := connect("dst", os.Args[2])
	defer src.mon.Disconnect()
	defer dst.mon.Disconnect()

	checkSchema(dst)
	checkSchema(src)
	if st := dst.status(); st != "inmigrate" {
		fail("dst: status %s before migrate-incoming, expected inmigrate", st)
	}
	dst.run(`{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [` +
		`{"capability": "events", "state": true}, {"capability": "return-path", "state": true}, ` +
		`{"capability": "late-block-activate", "state": true}]}}`)
	dst.run(`{"execute": "migrate-set-parameters", "arguments": {"tls-creds": "", "tls-hostname": ""}}`)
	src.run(`{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [` +
		`{"capability": "events", "state": true}, {"capability": "return-path", "state": true}, ` +
		`{"capability": "pause-before-switchover", "state": true}]}}`)
	src.run(`{"execute": "migrate-set-parameters", "arguments": {"tls-creds": "", "tls-hostname": "", ` +
		`"max-bandwidth": ` + unlimited + `}}`)
	params := src.run(`{"execute": "query-migrate-parameters"}`).(map[string]interface{})
	if bw, _ := json.Marshal(params["max-bandwidth"]); !strings.HasPrefix(string(bw), "9223372036853") &&
		!strings.HasPrefix(string(bw), "9.223372036853") {
		fail("src: max-bandwidth reads back as %s", bw)
	}

	dst.run(`{"execute": "migrate-incoming", "arguments": {"uri": "tcp:127.0.0.1:0", "exit-on-error": false}}`)
	info := dst.run(`{"execute": "query-migrate"}`).(map[string]interface{})
	addrs, ok := info["socket-address"].([]interface{})
	if !ok || len(addrs) != 1 {
		fail("dst: query-migrate has no socket-address: %v", info)
	}
	addr := addrs[0].(map[string]interface{})
	port := addr["port"].(string)
	if addr["type"] != "inet" || port == "0" {
		fail("dst: socket-address %v", addr)
	}

	src.run(`{"execute": "migrate", "arguments": {"uri": "tcp:127.0.0.1:` + port + `", "detach": true, "resume": false}}`)
	src.awaitMigration("pre-switchover")
	src.run(`{"execute": "migrate-continue", "arguments": {"state": "pre-switchover"}}`)
	src.awaitMigration("completed")
	dst.awaitMigration("completed")
	if st := src.status(); st != "postmigrate" {
		fail("src: status %s after the migration, expected postmigrate", st)
	}
	if st := dst.status(); st != "paused" {
		fail("dst: status %s after the migration under -S, expected paused", st)
	}
	dst.run(`{"execute": "cont"}`)
	if st := dst.status(); st != "running" {
		fail("dst: status %s after cont, expected running", st)
	}
	fmt.Println("PASS")
}
