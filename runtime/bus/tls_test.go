package bus

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cleave-go/cleave/runtime/bus/bustest"
	"github.com/nats-io/nats-server/v2/server"
)

// TLS files in Config reach nats.go: a client trusting the server's CA
// connects over TLS; one that does not is refused.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	caCert, caKey := newCert(t, nil, nil, "cleave test CA")
	srvCert, srvKey := newCert(t, caCert, caKey, "127.0.0.1")
	caFile := writePEM(t, dir, "ca.pem", "CERTIFICATE", caCert.Raw)
	srv := bustest.StartServer(t, func(o *server.Options) {
		o.TLSConfig = &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{srvCert.Raw}, PrivateKey: srvKey}},
			MinVersion:   tls.VersionTLS12,
		}
		o.TLS = true
	})
	b := open(t, NATS, Config{URLs: []string{"tls://" + srv.URL()[len("nats://"):]}, TLSCA: caFile})
	must(t, Handle(b, "t.echo.Echo", func(ctx context.Context, r *echoReq) (*echoResp, error) { return &echoResp{Text: r.Text}, nil }))
	if got, err := Call[echoReq, echoResp](context.Background(), b, "t.echo.Echo", &echoReq{Text: "secret"}); err != nil || got.Text != "secret" {
		t.Errorf("Call over TLS = %v, %v", got, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := Open(ctx, Config{Transport: NATS, URLs: []string{"tls://" + srv.URL()[len("nats://"):]}}); err == nil {
		t.Error("Open without the CA = nil error; want a certificate error")
	}
}

func newCert(t *testing.T, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	signer, signerKey := tmpl, key
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	} else {
		tmpl.IPAddresses = []net.IP{net.ParseIP(name)}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	return cert, key
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	must(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
	return path
}
