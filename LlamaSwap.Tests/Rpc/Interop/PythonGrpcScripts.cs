namespace LlamaSwap.Tests.Rpc.Interop;

/// <summary>
/// Python programs that use Debian's python3-grpcio through its generic API with raw bytes
/// (Debian ships no grpcio-tools): the C# side builds and parses every message, Python only
/// moves bytes. Well-known wrapper messages stand in where Python must read a message:
/// HealthCheckRequest {string service = 1} has the wire format of StringValue and
/// HealthCheckResponse {enum status = 1} that of UInt32Value.
/// </summary>
internal static class PythonGrpcScripts
{
    /// <summary>
    /// One call, described by arguments; prints one JSON line per received message
    /// (<c>{"message": hex}</c>) and a last line with the outcome
    /// (<c>{"code": "OK", "details": …, "trailers": {…}}</c>).
    /// </summary>
    public const string Client = """
        import argparse, json, sys
        import grpc

        def emit(obj):
            print(json.dumps(obj), flush=True)

        def outcome(call_or_error):
            trailers = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in (call_or_error.trailing_metadata() or ())}
            return {"code": call_or_error.code().name, "details": call_or_error.details() or "", "trailers": trailers}

        parser = argparse.ArgumentParser()
        parser.add_argument("--target", required=True)
        parser.add_argument("--method", required=True)
        parser.add_argument("--kind", choices=["unary", "stream"], required=True)
        parser.add_argument("--request", default="")
        parser.add_argument("--timeout", type=float)
        parser.add_argument("--cancel-after", type=int)
        parser.add_argument("--metadata", action="append", default=[])
        args = parser.parse_args()

        metadata = [tuple(item.split("=", 1)) for item in args.metadata]
        request = bytes.fromhex(args.request)
        with grpc.insecure_channel(args.target, options=[("grpc.enable_http_proxy", 0)]) as channel:
            if args.kind == "unary":
                call = channel.unary_unary(args.method, request_serializer=None, response_deserializer=None)
                try:
                    response, info = call.with_call(request, timeout=args.timeout, metadata=metadata)
                    emit({"message": response.hex()})
                    emit(outcome(info))
                except grpc.RpcError as error:
                    emit(outcome(error))
            else:
                call = channel.unary_stream(args.method, request_serializer=None, response_deserializer=None)(
                    request, timeout=args.timeout, metadata=metadata)
                received = 0
                try:
                    for response in call:
                        emit({"message": response.hex()})
                        received += 1
                        if args.cancel_after is not None and received >= args.cancel_after:
                            call.cancel()
                    emit(outcome(call))
                except grpc.RpcError as error:
                    emit(outcome(error))
        """;

    /// <summary>
    /// A server for the Echo test service and grpc.health.v1.Health, on 127.0.0.1:0. Prints
    /// <c>{"port": n}</c> when listening and <c>{"terminated": tag}</c> when a waiting call ends
    /// (client cancel, deadline). Reads commands from stdin: <c>set SERVICE STATUS</c> (<c>-</c> for the
    /// overall service) changes a
    /// health status; end of input stops the server.
    /// </summary>
    public const string Server = """
        import json, sys, threading
        from concurrent import futures
        import grpc
        from google.protobuf import wrappers_pb2

        def emit(obj):
            print(json.dumps(obj), flush=True)

        ECHO = "llamaswap.test.v1.Echo"
        HEALTH = "grpc.health.v1.Health"
        SERVING = 1
        SERVICE_UNKNOWN = 3

        health = {"": SERVING}
        health_changed = threading.Condition()

        def report_termination(context, tag):
            # Registered before the first response: grpc stops iterating a response generator
            # once the call is cancelled, so code after a yield may never run.
            done = threading.Event()
            def terminated():
                emit({"terminated": tag})
                done.set()
            if not context.add_callback(terminated):
                terminated()
            return done

        def echo(request, context):
            context.set_trailing_metadata((("echo-trailer", "done"),))
            return request

        def header(request, context):
            key = wrappers_pb2.StringValue.FromString(request).value
            value = dict(context.invocation_metadata()).get(key, "")
            return wrappers_pb2.StringValue(value=value).SerializeToString()

        def fail(request, context):
            code, detail = wrappers_pb2.StringValue.FromString(request).value.split("|", 1)
            status = next(s for s in grpc.StatusCode if s.value[0] == int(code))
            context.set_trailing_metadata((("failure-trailer", "present"),))
            context.abort(status, detail)

        def hang(request, context):
            report_termination(context, wrappers_pb2.StringValue.FromString(request).value).wait()
            return request

        def count(request, context):
            for i in range(wrappers_pb2.UInt32Value.FromString(request).value):
                yield wrappers_pb2.UInt32Value(value=i).SerializeToString()

        def stream_then_hang(request, context):
            done = report_termination(context, wrappers_pb2.StringValue.FromString(request).value)
            yield wrappers_pb2.StringValue(value="first").SerializeToString()
            done.wait()

        def health_check(request, context):
            service = wrappers_pb2.StringValue.FromString(request).value
            with health_changed:
                status = health.get(service)
            if status is None:
                context.abort(grpc.StatusCode.NOT_FOUND, "unknown service " + service)
            return wrappers_pb2.UInt32Value(value=status).SerializeToString()

        def health_watch(request, context):
            service = wrappers_pb2.StringValue.FromString(request).value
            def wake():
                with health_changed:
                    health_changed.notify_all()
            context.add_callback(wake)
            last = None
            while context.is_active():
                with health_changed:
                    status = health.get(service, SERVICE_UNKNOWN)
                    if status == last:
                        health_changed.wait()
                        continue
                last = status
                yield wrappers_pb2.UInt32Value(value=status).SerializeToString()

        def raw(kind, fn):
            return kind(fn, request_deserializer=None, response_serializer=None)

        unary = grpc.unary_unary_rpc_method_handler
        stream = grpc.unary_stream_rpc_method_handler
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
        server.add_generic_rpc_handlers((
            grpc.method_handlers_generic_handler(ECHO, {
                "Echo": raw(unary, echo),
                "Header": raw(unary, header),
                "Fail": raw(unary, fail),
                "Hang": raw(unary, hang),
                "Count": raw(stream, count),
                "StreamThenHang": raw(stream, stream_then_hang),
            }),
            grpc.method_handlers_generic_handler(HEALTH, {
                "Check": raw(unary, health_check),
                "Watch": raw(stream, health_watch),
            }),
        ))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        emit({"port": port})

        for line in sys.stdin:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "set":
                service = "" if parts[1] == "-" else parts[1]
                with health_changed:
                    health[service] = int(parts[2])
                    health_changed.notify_all()
                emit({"set": parts[1]})
        server.stop(0)
        """;
}
