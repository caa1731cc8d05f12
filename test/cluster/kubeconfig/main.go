// Command kubeconfig prints what client-go makes of a kubeconfig: the context,
// cluster and user kubectl would use, the server, and the credentials and CA
// it would send and trust. It is the test oracle for k8s-audit's own
// kubeconfig loading (src/collect/kubeconfig.ts), run by
// test/integration/kubeconfig-client-go.test.ts.
//
// Usage: [KUBECONFIG=a:b] kubeconfig [--kubeconfig file] [--context name]
//
// Prints one JSON object: {"error": "..."} when client-go refuses the
// configuration, else the fields below (file contents, not paths, so that a
// caller can compare them with what it loaded itself). An exec credential
// plugin is run, as kubectl runs it, to get the Authorization header.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"golang.org/x/net/http/httpguts"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	_ "k8s.io/client-go/plugin/pkg/client/auth/oidc" // as kubectl: the one auth-provider it still carries
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

type result struct {
	Error    string `json:"error,omitempty"`
	Context  string `json:"context,omitempty"`
	Cluster  string `json:"cluster,omitempty"`
	User     string `json:"user,omitempty"`
	Server   string `json:"server,omitempty"`
	CA       string `json:"ca,omitempty"`
	Cert     string `json:"cert,omitempty"`
	Key      string `json:"key,omitempty"`
	Insecure bool   `json:"insecure,omitempty"`
	SNI      string `json:"sni,omitempty"`
	// The Authorization and Impersonate-* headers a request carries, names lower-cased.
	Headers map[string][]string `json:"headers,omitempty"`
	// The proxy a request to the server goes through: the cluster's proxy-url, else the environment
	// (HTTPS_PROXY, NO_PROXY) as client-go's transport reads it; empty for none.
	Proxy string `json:"proxy,omitempty"`
}

// capture is the end of a round-tripper chain: it keeps the request's headers.
type capture struct{ header http.Header }

func (c *capture) RoundTrip(req *http.Request) (*http.Response, error) {
	// What net/http's transport would refuse to send (a token file holding only a newline gives "Bearer \n").
	for k, vs := range req.Header {
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, fmt.Errorf("net/http: invalid header field value for %q", k)
			}
		}
	}
	c.header = req.Header.Clone()
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: req}, nil
}

func main() {
	explicit := flag.String("kubeconfig", "", "a kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
	context := flag.String("context", "", "the context to use (default: current-context)")
	flag.Parse()

	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = *explicit
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: *context})
	out := describe(cc)
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

func describe(cc clientcmd.ClientConfig) result {
	raw, err := cc.RawConfig()
	if err != nil {
		return result{Error: err.Error()}
	}
	rc, err := cc.ClientConfig()
	if err != nil {
		return result{Error: err.Error()}
	}
	// What kubectl does next: build the transport (TLS settings, credential plugins), which refuses some
	// configurations ClientConfig accepts — a CA together with insecure-skip-tls-verify, say.
	if _, err := rest.TransportFor(rc); err != nil {
		return result{Error: err.Error()}
	}
	ctxName := raw.CurrentContext
	if o := flag.Lookup("context").Value.String(); o != "" {
		ctxName = o
	}
	r := result{Context: ctxName, Server: rc.Host, Insecure: rc.TLSClientConfig.Insecure, SNI: rc.TLSClientConfig.ServerName}
	if ctx := raw.Contexts[ctxName]; ctx != nil {
		r.Cluster, r.User = ctx.Cluster, ctx.AuthInfo
	}
	r.CA = dataOrFile(rc.TLSClientConfig.CAData, rc.TLSClientConfig.CAFile, &r.Error)
	r.Cert = dataOrFile(rc.TLSClientConfig.CertData, rc.TLSClientConfig.CertFile, &r.Error)
	r.Key = dataOrFile(rc.TLSClientConfig.KeyData, rc.TLSClientConfig.KeyFile, &r.Error)
	// What a request carries: client-go's own wrappers (bearer token or token file, basic auth,
	// impersonation, an exec plugin — run here as kubectl would run it) over a round tripper that
	// keeps the headers instead of sending them.
	c := &capture{}
	rt, err := rest.HTTPWrappersForConfig(rc, c)
	if err != nil {
		return result{Error: err.Error()}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://cluster.invalid/api", nil)
	if _, err := rt.RoundTrip(req); err != nil {
		return result{Error: err.Error()}
	}
	proxy := rc.Proxy
	if proxy == nil {
		proxy = utilnet.NewProxierWithNoProxyCIDR(http.ProxyFromEnvironment) // what utilnet.SetTransportDefaults installs
	}
	serverReq, err := http.NewRequest(http.MethodGet, rc.Host, nil)
	if err != nil {
		return result{Error: err.Error()}
	}
	if p, err := proxy(serverReq); err != nil {
		return result{Error: err.Error()}
	} else if p != nil {
		r.Proxy = p.String()
	}
	for k, v := range c.header {
		if k := strings.ToLower(k); k == "authorization" || strings.HasPrefix(k, "impersonate-") {
			if r.Headers == nil {
				r.Headers = map[string][]string{}
			}
			r.Headers[k] = v
		}
	}
	return r
}

func dataOrFile(data []byte, file string, errOut *string) string {
	if len(data) > 0 {
		return string(data)
	}
	if file == "" {
		return ""
	}
	b, err := os.ReadFile(file)
	if err != nil && *errOut == "" {
		*errOut = err.Error()
	}
	return string(b)
}
