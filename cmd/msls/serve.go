package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/msls-dev/msls/server"
)

func init() {
	registerCommand(command{name: "serve", summary: "speak LSP on stdin/stdout (the default)", run: serve})
}

func serve(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("msls serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	level := fs.String("log-level", envOr("MSLS_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env MSLS_LOG_LEVEL)")
	logFile := fs.String("log-file", os.Getenv("MSLS_LOG_FILE"), "append logs to this file instead of stderr (env MSLS_LOG_FILE)")
	cpuProfile := fs.String("cpuprofile", os.Getenv("MSLS_CPUPROFILE"), "write a CPU profile of the session to this file (env MSLS_CPUPROFILE), for `go tool pprof`")
	// Flags language clients pass by convention; stdio is the only transport.
	fs.Bool("stdio", true, "use stdin/stdout (the only transport)")
	fs.String("clientProcessId", "", "ignored; accepted for vscode-languageclient")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintf(stderr, "Usage: msls [serve] [flags]\n\nSpeak the Language Server Protocol on stdin/stdout.\n\nFlags:\n")
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "msls serve: %v\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "msls serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	log, closeLog, err := newLogger(*level, *logFile, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "msls serve: %v\n", err)
		return 2
	}
	defer closeLog()

	// stdout is the protocol: anything else printing there (a library, a
	// stray debug print) would corrupt it, so it goes to stderr instead.
	if stdout == os.Stdout {
		os.Stdout = os.Stderr
	}
	if os.Getenv("MSLS_TEST_HOOKS") == "1" {
		server.EnableTestHooks()
	}
	if applyServeGCDefaults(os.Getenv) {
		// done before serve returns: nothing outlives the session
		warmed := make(chan struct{})
		go func() { warmHeap(warmHeapBytes); close(warmed) }()
		defer func() { <-warmed }()
	}
	srv := server.New(server.Options{Name: "msls", Version: versionString(), Logger: log})
	log.Info("msls starting", zap.String("version", versionString()), zap.Int("pid", os.Getpid()))
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "msls serve: %v\n", err)
			return 2
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			fmt.Fprintf(stderr, "msls serve: %v\n", err)
			return 2
		}
		defer func() { pprof.StopCPUProfile(); pf.Close() }()
	}
	code := srv.Run(stdin, stdout)
	log.Info("msls exiting", zap.Int("status", code))
	return code
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// newLogger logs to the file when one is given, else to stderr; never to
// stdout.
func newLogger(level, file string, stderr io.Writer) (*zap.Logger, func(), error) {
	lvl, err := zapcore.ParseLevel(strings.ToLower(level))
	if err != nil {
		return nil, nil, fmt.Errorf("invalid --log-level %q (want debug, info, warn or error)", level)
	}
	enc := zap.NewDevelopmentEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	var sink zapcore.WriteSyncer = zapcore.AddSync(stderr)
	closeFn := func() {}
	if file != "" {
		f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot open log file: %v", err)
		}
		sink = zapcore.AddSync(f)
		closeFn = func() { f.Close() }
	}
	sink = zapcore.Lock(sink)
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), sink, lvl)
	log := zap.New(core, zap.ErrorOutput(sink))
	return log, func() { _ = log.Sync(); closeFn() }, nil
}
