package logparse

import (
	"testing"
	"time"
)

// TestHeaderShapes: the header of each common shape is taken off the
// message, with no per-system setting (lines shaped like those of real
// systems, made up here). Before splitHeader every one of them kept its
// header, and loghub's systems averaged GA 0.345 (bench/logs loghub).
func TestHeaderShapes(t *testing.T) {
	for _, c := range []struct{ name, line, level, msg string }{
		{"ISO, level, [thread], logger:", "2024-03-01 10:11:12,345 INFO [pool-3 worker] org.example.app.Main: job done in 3s", "info", "job done in 3s"},
		{"log4j logger -", "2024-01-01 12:00:00,123 ERROR [main] c.e.Foo - it broke", "error", "it broke"},
		{"syslog host prog[pid]:", "Jun  4 05:06:07 box1 sshd[4242]: session opened for user bob", "", "session opened for user bob"},
		{"syslog prog(sub)[pid]:", "Jun 14 15:16:01 box1 su(pam_unix)[77]: session closed for user ann", "", "session closed for user ann"},
		{"Apache", "[Mon Jan 02 03:04:05 2006] [error] mod_jk child 12 in error state", "error", "mod_jk child 12 in error state"},
		{"yyMMdd HHmmss pid level comp:", "240301 101112 77 WARN svc.Store$Writer: slow flush 120ms", "warn", "slow flush 120ms"},
		{"yy/MM/dd", "24/03/01 10:11:12 INFO storage.Cache: evicted 3 blocks", "info", "evicted 3 blocks"},
		{"MM-dd pid tid letter comp:", "03-01 10:11:12.345  101  202 W Panel: frame dropped 4", "warn", "frame dropped 4"},
		{"epoch, dotted date, node, dashed time, node, type comp level", "- 1709287872 2024.03.01 N1-A2 2024-03-01-10.11.12.345678 N1-A2 SYS CORE INFO cache line fixed", "info", "cache line fixed"},
		{"epoch, syslog time, host, prog[pid]:", "- 1709287872 2024.03.01 h7 Mar 1 10:11:12 h7/h7 crond[15]: job started", "", "job started"},
		{"id host comp state epoch flag", "4711 node-7 sys.hw state.up 1709287872 1 Fan speed normal", "", "Fan speed normal"},
		{"id host comp state epoch, flag -1", "4712 part-0 full status 1709287872 -1 running", "", "running"},
		{"padded columns, hex sequence", "2024-03-01 10:11:12, Info                  SVC    0000000c Store 77 opened", "info", "Store 77 opened"},
		{"padded columns, decimal sequence", "2024-03-01 10:11:12, Info                  SVC    00000005 Store 78 opened", "info", "Store 78 opened"},
		{"syslog host prog[pid] (addr):", "Mar  1 10:11:12 box-10-1-2-3 guard[129] ([4242]): app(4242) deny network-outbound /var/run/x", "", "app(4242) deny network-outbound /var/run/x"},
		{"syslog host, program with a space and version [pid]:", "Mar  1 10:11:12 box-10-1-2-3 BezelTool 255.10[94]: ASSERTION FAILED: ref != 0", "", "ASSERTION FAILED: ref != 0"},
		{"a sub-component that names a URL", "Mar  1 10:11:12 box-7 com.x.cts[258]: com.x.sync.x-data://AB12CD34-1234-4A5B-8C9D-0123456789AB/CalendarPrincipal/p11: told me to run this job", "", "told me to run this job"},
		{"time|comp|pid|msg", "20240301-10:11:12:345|Step_Counter|4242|onChange 17", "", "onChange 17"},
		{"unpadded time pipe", "20240301-10:1:2:5|Step_Counter|4242|flush data", "", "flush data"},
		{"a count right after the level is the message's", "- 1709287872 2024.03.01 N1-A2 2024-03-01-10.11.12.345678 N1-A2 SYS CORE INFO 12 cache lines fixed", "info", "12 cache lines fixed"},
		{"a long count right after the level", "- 1709287872 2024.03.01 N1-A2 2024-03-01-10.11.12.345678 N1-A2 SYS CORE INFO 123456789 cache lines fixed", "info", "123456789 cache lines fixed"},
		{"padded columns", "2024-03-01 10:11:12, Info                  SVC    Loaded module 7", "info", "Loaded module 7"},
		{"file, ISO, pid, level, logger, [context]", "api.log.1.2024-03-01_10:00:00 2024-03-01 10:11:12.345 4242 INFO app.api.server [req-1 u-2 t-3] GET /v1 status 200", "info", "GET /v1 status 200"},
		{"[time] program -", "[03.01 10:11:12] app.exe *64 - host.example:443 open through proxy", "", "host.example:443 open through proxy"},
		{"an IP:port is not a time", "[03.01 10:11:12] app.exe - 203.205.146.15:80 open through proxy", "", "203.205.146.15:80 open through proxy"},
		{"ISO - level [comp] -", "2024-03-01 10:11:12,345 - WARN  [Peer[id=1]/0:0:0:0:2181:Election@77] - timed out: 3200", "warn", "timed out: 3200"},
		{"PostgreSQL zone [pid] LOG:", "2024-03-01 10:11:12.345 UTC [4242] LOG:  checkpoint starting: time", "info", "checkpoint starting: time"},
		{"dpkg: a version is not a time", "2024-03-01 10:11:12 status installed libx:amd64 2:1.1.3-3", "", "status installed libx:amd64 2:1.1.3-3"},
		{"dpkg: an epoch and a two-digit major are not HH:MM", "2025-06-24 14:42:08 install cpp:amd64 <none> 4:12.2.0-3", "", "install cpp:amd64 <none> 4:12.2.0-3"},
		{"dpkg: nor after the package", "2026-05-09 07:29:29 configure llvm-14-dev:amd64 1:14.0.6-12 <none>", "", "configure llvm-14-dev:amd64 1:14.0.6-12 <none>"},
		{"no header: untouched", "connection from 10.0.0.1 refused", "", "connection from 10.0.0.1 refused"},
		{"apt: a label and a time alone, the label is the message", "Start-Date: 2025-06-24  14:36:25", "", "Start-Date:"},
		{"apt term.log", "Log started: 2025-06-24  14:36:26", "", "Log started:"},
		{"two spaces between date and time", "2025-06-24  14:36:25 Setting up curl", "", "Setting up curl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := ParseLine(c.line)
			if r.Message != c.msg || r.Level != c.level {
				t.Errorf("%q:\n got level %q msg %q\nwant level %q msg %q", c.line, r.Level, r.Message, c.level, c.msg)
			}
		})
	}
}

// TestHeaderTimes: the header's timestamp is read, whatever its shape. The
// comma row read no time before: "10:11:12," was taken for a fraction.
func TestHeaderTimes(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"2024-03-01 10:11:12, Info                  SVC    Loaded module 7", "2024-03-01T10:11:12Z"},
		{"2024-03-01 10:11:12,345 INFO [main] c.e.Foo - it broke", "2024-03-01T10:11:12.345Z"},
		{"240301 101112 77 WARN svc.Store$Writer: slow flush 120ms", "2024-03-01T10:11:12Z"},
		{"24/03/01 10:11:12 INFO storage.Cache: evicted 3 blocks", "2024-03-01T10:11:12Z"},
		{"[Mon Jan 02 03:04:05 2006] [error] mod_jk child 12 in error state", "2006-01-02T03:04:05Z"},
		{"Jun  4 05:06:07 box1 sshd[4242]: session opened for user bob", "0000-06-04T05:06:07Z"},
		{"- 1709287872 2024.03.01 h7 Mar 1 10:11:12 h7/h7 crond[15]: job started", "2024-03-01T10:11:12Z"},
		{"Start-Date: 2025-06-24  14:36:25", "2025-06-24T14:36:25Z"},
		{"2025-06-24   14:36:25.5 Setting up curl", "2025-06-24T14:36:25.5Z"},
	} {
		r := ParseLine(c.line)
		if yearless, err := time.Parse(time.RFC3339, c.want); err == nil && yearless.Year() == 0 {
			c.want = PlaceYear(yearless, time.Now()).Format(time.RFC3339Nano) // syslog's stamp: this year's
		}
		if got := r.Time.UTC().Format(time.RFC3339Nano); got != c.want {
			t.Errorf("%q: time %s, want %s", c.line, got, c.want)
		}
	}
}

// TestParseShaped: the shape check and the numeric fast path agree with
// time.Parse on every header layout, valid dates and invalid ones.
func TestParseShaped(t *testing.T) {
	cases := []struct{ layout, v string }{
		{"060102 150405", "081109 203615"},
		{"060102 150405", "690101 000000"}, // 1969, as time.Parse reads "69"
		{"060102 150405", "680229 235959"}, // 2068, a leap day
		{"060102 150405", "090229 120000"}, // no 29 February in 2009
		{"060102 150405", "081309 203615"}, // month 13
		{"060102 150405", "081109 243615"}, // hour 24
		{"060102 150405", "08110a 203615"},
		{"06/01/02 15:04:05", "17/06/09 20:10:40"},
		{"06/01/02 15:04:05", "17/06/31 20:10:40"},
		{"06/01/02 15:04:05", "17-06-09 20:10:40"},
		{"Mon Jan 02 15:04:05 2006", "Sun Dec 04 04:47:44 2005"},
		{"Mon Jan 02 15:04:05 2006", "Sun Dec 4 04:47:44 2005x"},
		{time.Stamp, "Jun 14 15:16:01"},
		{time.Stamp, "Jun  4 15:16:01"},
		{time.Stamp, "Jun 14 15:16:0x"},
		{time.Stamp, "Foo 14 15:16:01"},
	}
	for _, c := range cases {
		got, ok := parseShaped(c.layout, c.v)
		want, err := time.Parse(c.layout, c.v)
		if ok != (err == nil) || !got.Equal(want) {
			t.Errorf("parseShaped(%q, %q) = %v, %v; time.Parse = %v, %v", c.layout, c.v, got, ok, want, err)
		}
	}
}

// FuzzParseShaped: whatever parseShaped reads, time.Parse reads the same.
func FuzzParseShaped(f *testing.F) {
	for _, s := range []string{"081109 203615", "17/06/09 20:10:40", "Sun Dec 04 04:47:44 2005", "Jun  4 15:16:01", "000229 000000"} {
		f.Add(s)
	}
	layouts := []string{"060102 150405", "06/01/02 15:04:05", "Mon Jan 02 15:04:05 2006", time.Stamp}
	f.Fuzz(func(t *testing.T, v string) {
		for _, layout := range layouts {
			got, ok := parseShaped(layout, v)
			want, err := time.Parse(layout, v)
			// stricter than time.Parse is fine ("Jan  01 0:00:00" passes
			// it); reading a time it would not, or another time, is not
			if ok && (err != nil || !got.Equal(want)) {
				t.Fatalf("parseShaped(%q, %q) = %v, %v; time.Parse = %v, %v", layout, v, got, ok, want, err)
			}
		}
	})
}
