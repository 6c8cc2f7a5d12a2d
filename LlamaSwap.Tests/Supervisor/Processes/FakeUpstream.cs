using System.Globalization;

namespace LlamaSwap.Tests.Supervisor.Processes;

/// <summary>
/// The upstream command the process tests run: a small HTTP server whose flags mirror LlamaSwap.Simulator's
/// (<c>--port --model --load-time --fork-child --sigterm ignore|honour|delay:N --fail exit:N|unhealthy|hang</c>), so
/// switching to the simulator changes only <see cref="Command"/>.
/// </summary>
internal static class FakeUpstream
{
    /// <summary>Printed to stdout the moment <c>/health</c> starts answering 200.</summary>
    public const string LoadedLine = "model loaded";

    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import argparse, os, signal, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        p = argparse.ArgumentParser()
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--model", default="fake")
        p.add_argument("--load-time", type=float, default=0.0)
        p.add_argument("--fork-child", action="store_true")
        p.add_argument("--sigterm", default="honour")
        p.add_argument("--fail", default="")
        a = p.parse_args()

        def on_sigterm():
            if a.sigterm == "ignore":
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            elif a.sigterm.startswith("delay:"):
                delay = float(a.sigterm[6:])
                def handler(*_):
                    time.sleep(delay)
                    os._exit(0)
                signal.signal(signal.SIGTERM, handler)

        print(f"fake upstream {a.model} starting on port {a.port} (pid {os.getpid()})", flush=True)
        sys.stderr.write("\x1b[33mwarming up\x1b[0m\n")
        sys.stderr.flush()
        if a.fail.startswith("exit:"):
            print("fatal: cannot load model file", flush=True)
            sys.exit(int(a.fail[5:]))

        loaded = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if a.fail == "hang":
                    time.sleep(3600)
                ok = self.path != "/health" or (loaded.is_set() and a.fail != "unhealthy")
                body = (b'{"status":"ok"}' if ok else b'{"status":"loading"}')
                self.send_response(200 if ok else 503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        ThreadingHTTPServer.daemon_threads = True
        server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
        on_sigterm()
        if a.fork_child:
            child = os.fork()
            if child:
                server.socket.close()
                print(f"wrapper {os.getpid()} forked server {child}", flush=True)
                while True:
                    signal.pause()

        def load():
            time.sleep(a.load_time)
            print("model loaded", flush=True)
            loaded.set()
        threading.Thread(target=load, daemon=True).start()
        server.serve_forever()
        """;

    private static readonly Lazy<string> ScriptPath = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"llamaswap-fake-upstream-{Environment.ProcessId}.py");
        File.WriteAllText(path, Script);
        return path;
    });

    /// <summary>The <c>cmd</c> string for a fake upstream on <paramref name="port"/>.</summary>
    public static string Command(int port, string model, params string[] flags) =>
        string.Join(' ', [Python, "-u", ScriptPath.Value, "--port", port.ToString(CultureInfo.InvariantCulture), "--model", model, .. flags]);
}
