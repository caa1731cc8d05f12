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
// caller can compare them with what it loaded itself).
package main

import (
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/transport"
)

type result struct {
	Error    string `json:"error,omitempty"`
	Context  string `json:"context,omitempty"`
	Cluster  string `json:"cluster,omitempty"`
	User     string `json:"user,omitempty"`
	Server   string `json:"server,omitempty"`
	CA       string `json:"ca,omitempty"`
	Token    string `json:"token,omitempty"`
	Cert     string `json:"cert,omitempty"`
	Key      string `json:"key,omitempty"`
	Insecure bool   `json:"insecure,omitempty"`
	SNI      string `json:"sni,omitempty"`
	Basic    string `json:"basic,omitempty"`
	Exec     string `json:"exec,omitempty"`
	// The Impersonate-* headers a request carries, names lower-cased.
	Impersonate map[string][]string `json:"impersonate,omitempty"`
}

// capture is the end of a round-tripper chain: it keeps the request's headers.
type capture struct{ header http.Header }

func (c *capture) RoundTrip(req *http.Request) (*http.Response, error) {
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
	if rc.Username != "" || rc.Password != "" {
		r.Basic = rc.Username + ":" + rc.Password
	}
	if ctx := raw.Contexts[ctxName]; ctx != nil {
		r.Cluster, r.User = ctx.Cluster, ctx.AuthInfo
	}
	r.CA = dataOrFile(rc.TLSClientConfig.CAData, rc.TLSClientConfig.CAFile, &r.Error)
	r.Cert = dataOrFile(rc.TLSClientConfig.CertData, rc.TLSClientConfig.CertFile, &r.Error)
	r.Key = dataOrFile(rc.TLSClientConfig.KeyData, rc.TLSClientConfig.KeyFile, &r.Error)
	// What a request carries (transport.NewBearerAuthWithRefreshRoundTripper): the token file's
	// content, trimmed, whenever it can be read; else the token.
	// content, trimmed, whenever it can be read and is not empty; else the user's own token; with
	// neither, no usable client (the round tripper cannot be built, or sends an empty token).
	r.Token = rc.BearerToken
	if rc.BearerTokenFile != "" {
		inline := ""
		if ctx := raw.Contexts[ctxName]; ctx != nil && raw.AuthInfos[ctx.AuthInfo] != nil {
			inline = raw.AuthInfos[ctx.AuthInfo].Token
		}
		b, err := os.ReadFile(rc.BearerTokenFile)
		if tok := strings.TrimSpace(string(b)); err == nil && tok != "" {
			r.Token = tok
		} else if inline != "" {
			r.Token = inline
		} else {
			return result{Error: "token file " + rc.BearerTokenFile + " is unreadable or empty"}
		}
	}
	imp := rc.Impersonate
	if imp.UserName != "" || imp.UID != "" || len(imp.Groups) > 0 || len(imp.Extra) > 0 {
		c := &capture{}
		req, _ := http.NewRequest(http.MethodGet, "https://cluster.invalid/api", nil)
		rt := transport.NewImpersonatingRoundTripper(transport.ImpersonationConfig{UserName: imp.UserName, UID: imp.UID, Groups: imp.Groups, Extra: imp.Extra}, c)
		if _, err := rt.RoundTrip(req); err != nil {
			return result{Error: err.Error()}
		}
		for k, v := range c.header {
			if k := strings.ToLower(k); strings.HasPrefix(k, "impersonate-") {
				if r.Impersonate == nil {
					r.Impersonate = map[string][]string{}
				}
				r.Impersonate[k] = v
			}
		}
	}
	if rc.ExecProvider != nil {
		r.Exec = rc.ExecProvider.Command
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
