package trace

import (
	"fmt"
	"regexp"
)

// Some failures are the machine's, not the code's: a refused or reset
// connection, a host name that does not resolve, a full disk, a denied
// permission, an untrusted certificate. The frames still show where the
// code met the condition, and a reporter pastes them as a crash, but what
// to check first is the environment; the code's part, if any, is how it
// handles the condition. Each cue is the operating system's or the
// runtime's own wording (errno names, exception classes), so that an
// application's "permission denied" of its own is not taken for one.
type condition struct {
	cue       *regexp.Regexp
	what      string // what happened, in words
	check     string // what to check first
	testInput string // the case a test builds
}

var conditions = []condition{
	{regexp.MustCompile(`\bECONNREFUSED\b|[Cc]onnection refused|ConnectionRefusedError|java\.net\.ConnectException|kind: ConnectionRefused`),
		"the connection was refused: nothing listened at the address", "that the service it connects to is running and that the host and port are right",
		"a server that refuses the connection"},
	{regexp.MustCompile(`\bENOTFOUND\b|\bEAI_AGAIN\b|no such host|UnknownHostException|Name or service not known|nodename nor servname|socket\.gaierror|[Tt]emporary failure in name resolution`),
		"the host name did not resolve", "the host name and this machine's DNS",
		"a host name that does not resolve"},
	{regexp.MustCompile(`\bECONNRESET\b|\bEPIPE\b|connection reset by peer|[Bb]roken pipe|ConnectionResetError|kind: ConnectionReset|java\.net\.SocketException: Connection reset`),
		"the other side closed the connection", "the server's log and any proxy between the two: it dropped the connection",
		"a server that closes the connection mid-request"},
	{regexp.MustCompile(`\bETIMEDOUT\b|\bESOCKETTIMEDOUT\b|i/o timeout|SocketTimeoutException|[Cc]onnection timed out|ConnectTimeout`),
		"the network did not answer in time", "that the host is reachable from this machine (firewall, proxy, VPN)",
		"a server that never answers"},
	{regexp.MustCompile(`\bEADDRINUSE\b|[Aa]ddress already in use|BindException`),
		"the address is already in use", "which process already listens on that port",
		"a port that another listener holds"},
	{regexp.MustCompile(`\bEACCES\b|\bEPERM\b|PermissionError|\[Errno 13\]|os error 13|AccessDeniedException|(?:open|mkdir|stat|remove|rename|chmod|listen|bind|dial|exec) \S+: permission denied|[Oo]peration not permitted`),
		"the operating system denied the permission", "the permissions of the file or port it names and the user the program runs as",
		"a file it may not open"},
	{regexp.MustCompile(`\bENOSPC\b|[Nn]o space left on device|\[Errno 28\]`),
		"the disk is full", "the free space of the device it writes to",
		"a full disk (a writer that fails)"},
	{regexp.MustCompile(`\bEMFILE\b|[Tt]oo many open files|\[Errno 24\]`),
		"the process ran out of file descriptors", "the open-file limit (ulimit -n), and whether the code leaks files or connections",
		"many calls in a row (does each one close what it opens?)"},
	{regexp.MustCompile(`x509: certificate|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT|[Ss]elf[- ]signed certificate|CERTIFICATE_VERIFY_FAILED|SSLCertVerificationError|PKIX path building failed`),
		"the TLS certificate was not trusted", "the server's certificate and this machine's trusted roots (a proxy that intercepts TLS?)",
		"a server with an untrusted certificate"},
}

// conditionOf is the environment condition an error reports, if any.
func conditionOf(e Error) (condition, bool) {
	text := e.text()
	for _, c := range conditions {
		if c.cue.MatchString(text) {
			return c, true
		}
	}
	return condition{}, false
}

// markEnvironment fills Error.Environment for the errors that report a
// condition of the machine rather than of the code.
func markEnvironment(errs []Error) {
	for i := range errs {
		if c, ok := conditionOf(errs[i]); ok {
			errs[i].Environment = fmt.Sprintf("%s; check %s before the code, whose part is how it handles it", c.what, c.check)
		}
	}
}
