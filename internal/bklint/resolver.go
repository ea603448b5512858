package bklint

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/moby/buildkit/client/llb/sourceresolver"
	digest "github.com/opencontainers/go-digest"
)

// ImageEnv is the environment the stand-in base image declares. BuildKit's
// UndefinedVar consults the base image's config; without a registry msls
// cannot read it, so the variables official images commonly set are declared
// here to keep `ENV PATH=$PATH:...` and friends from being reported. The
// platform variables (TARGETARCH, BUILDPLATFORM, ...) are not among them: no
// image sets them, BuildKit declares them for FROM lines only, and a stage
// that uses one without `ARG TARGETARCH` gets it empty (a real bug, which
// BuildKit's UndefinedVar reports).
var ImageEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "HOSTNAME=", "LANG=C.UTF-8", "LC_ALL=",
	"GOPATH=/go", "GOLANG_VERSION=", "GOTOOLCHAIN=", "GOROOT=", "GOOS=", "GOARCH=",
	"NODE_VERSION=", "YARN_VERSION=", "NPM_CONFIG_PREFIX=", "NODE_ENV=",
	"PYTHON_VERSION=", "PYTHON_PIP_VERSION=", "PYTHON_SETUPTOOLS_VERSION=", "PYTHON_GET_PIP_URL=", "PYTHON_SHA256=", "GPG_KEY=", "PYTHONPATH=", "VIRTUAL_ENV=",
	"JAVA_HOME=", "JAVA_VERSION=", "JDK_VERSION=", "MAVEN_HOME=", "MAVEN_CONFIG=", "GRADLE_HOME=", "GRADLE_VERSION=", "CATALINA_HOME=", "TOMCAT_VERSION=",
	"RUBY_VERSION=", "RUBY_MAJOR=", "RUBY_DOWNLOAD_SHA256=", "GEM_HOME=", "BUNDLE_PATH=", "BUNDLE_SILENCE_ROOT_WARNING=", "BUNDLE_APP_CONFIG=",
	"CARGO_HOME=", "RUSTUP_HOME=", "RUST_VERSION=",
	"PHP_VERSION=", "PHP_INI_DIR=", "PHP_CFLAGS=", "PHP_CPPFLAGS=", "PHP_LDFLAGS=", "PHPIZE_DEPS=", "APACHE_CONFDIR=", "APACHE_ENVVARS=", "COMPOSER_HOME=",
	"DOTNET_VERSION=", "ASPNET_VERSION=", "ASPNETCORE_URLS=", "ASPNETCORE_HTTP_PORTS=", "DOTNET_RUNNING_IN_CONTAINER=", "DOTNET_SDK_VERSION=", "NUGET_XMLDOC_MODE=", "APP_UID=",
	"NGINX_VERSION=", "NJS_VERSION=", "PKG_RELEASE=", "HTTPD_PREFIX=", "HTTPD_VERSION=",
	"LD_LIBRARY_PATH=", "DEBIAN_FRONTEND=", "TZ=", "USER=", "SHELL=", "TERM=", "PWD=",
	"CONDA_DIR=", "NVM_DIR=", "ANDROID_HOME=", "ANDROID_SDK_ROOT=", "ELIXIR_VERSION=", "OTP_VERSION=", "ERLANG_VERSION=", "MIX_ENV=", "HEX_HOME=",
	"DOCKER_VERSION=", "KUBECTL_VERSION=",
}

// EnvFor keeps the ImageEnv entries whose name the text mentions as $NAME or
// ${NAME: the image's environment only matters to BuildKit's checks through
// the variables a Dockerfile uses (UndefinedVar), and every base image of a
// lint is resolved, so the full list was a fifth of the lint's cost.
func EnvFor(text []byte) []string {
	var seen [128]bool
	n := 0
	for i := 0; n < len(ImageEnv); {
		k := bytes.IndexByte(text[i:], '$')
		if k < 0 {
			break
		}
		j := i + k + 1
		if j < len(text) && text[j] == '{' {
			j++
		}
		e := j
		for e < len(text) && isNameByte(text[e]) {
			e++
		}
		if x, ok := imageEnvIndex[string(text[j:e])]; ok && !seen[x] {
			seen[x] = true
			n++
		}
		i = i + k + 1
	}
	var env []string
	for x, kv := range ImageEnv {
		if seen[x] {
			env = append(env, kv)
		}
	}
	return env
}

// imageEnvIndex is the position in ImageEnv of each variable's name.
var imageEnvIndex = func() map[string]int {
	if len(ImageEnv) > 128 {
		panic("bklint: EnvFor's table is too small for ImageEnv")
	}
	m := make(map[string]int, len(ImageEnv))
	for x, kv := range ImageEnv {
		m[kv[:strings.IndexByte(kv, '=')]] = x
	}
	return m
}()

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Resolver answers BuildKit's base-image lookups without a registry: every
// image is a non-empty image of the requested platform whose Env is Env. It is
// the stand-in that Lint models, so DockerfileLint must be given the same one
// for the two to agree.
type Resolver struct{ Env []string }

// ResolveImageConfig implements llb.ImageMetaResolver.
func (r Resolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	dt, err := r.config(opt)
	return ref, "", dt, err
}

func (r Resolver) config(opt sourceresolver.Opt) ([]byte, error) {
	img := map[string]any{
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:0000000000000000000000000000000000000000000000000000000000000000"}},
		"config": map[string]any{"Env": r.Env},
	}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		img["os"] = opt.ImageOpt.Platform.OS
		img["architecture"] = opt.ImageOpt.Platform.Architecture
		if opt.ImageOpt.Platform.Variant != "" {
			img["variant"] = opt.ImageOpt.Platform.Variant
		}
	}
	return json.Marshal(img)
}
