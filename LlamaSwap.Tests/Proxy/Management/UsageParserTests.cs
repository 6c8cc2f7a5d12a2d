using System.Text;
using LlamaSwap.Proxy.Activity;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class UsageParserTests
{
    private const string Json = "application/json";
    private const string Sse = "text/event-stream";

    private sealed record Case(
        int Status, string ContentType, string Body, ActivityTokens Expected,
        double Duration = 500, string? Error = null, bool Complete = true, double Wall = 500);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["openai chat json with cached tokens"] = new(200, Json,
            """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"qwen","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":8}}}""",
            new ActivityTokens(CacheTokens: 8, InputTokens: 12, OutputTokens: 5)),
        ["openai stream with include_usage"] = new(200, "text/event-stream; charset=utf-8",
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
            + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
            + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":7,\"total_tokens\":27}}\n\n"
            + "data: [DONE]\n\n",
            new ActivityTokens(InputTokens: 20, OutputTokens: 7)),
        ["llama-server stream with timings and drafts"] = new(200, Sse,
            "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"Hello\"}}],\"object\":\"chat.completion.chunk\"}\r\n\r\n"
            + "data: {\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],\"object\":\"chat.completion.chunk\",\"usage\":{\"completion_tokens\":31,\"prompt_tokens\":40,\"total_tokens\":71},"
            + "\"timings\":{\"cache_n\":24,\"prompt_n\":16,\"prompt_ms\":80.0,\"prompt_per_second\":200.0,\"predicted_n\":31,\"predicted_ms\":620.0,\"predicted_per_second\":50.0,\"draft_n\":12,\"draft_n_accepted\":9}}\r\n\r\n"
            + "data: [DONE]\r\n\r\n",
            new ActivityTokens(24, 12, 9, 16, 31, 200, 50), Duration: 700),
        ["llama-server completion json, wall time longer than timings"] = new(200, Json,
            """{"content":" world","tokens_predicted":10,"timings":{"prompt_n":5,"prompt_ms":10,"prompt_per_second":500,"predicted_n":10,"predicted_ms":100,"predicted_per_second":100}}""",
            new ActivityTokens(InputTokens: 5, OutputTokens: 10, PromptPerSecond: 500, TokensPerSecond: 100), Duration: 1000, Wall: 1000),
        ["llama-server infill array uses the last element"] = new(200, Json,
            """[{"content":"a","timings":{"prompt_n":3,"predicted_n":1}},{"content":"b","timings":{"prompt_n":7,"predicted_n":4,"prompt_per_second":70,"predicted_per_second":40,"prompt_ms":100,"predicted_ms":100}}]""",
            new ActivityTokens(InputTokens: 7, OutputTokens: 4, PromptPerSecond: 70, TokensPerSecond: 40)),
        ["anthropic message stream"] = new(200, Sse,
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude\",\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            new ActivityTokens(CacheTokens: 100, InputTokens: 25, OutputTokens: 15)),
        ["anthropic message json"] = new(200, Json,
            """{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Hi"}],"usage":{"input_tokens":10,"output_tokens":3}}""",
            new ActivityTokens(InputTokens: 10, OutputTokens: 3)),
        ["responses api stream"] = new(200, Sse,
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\",\"usage\":null}}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\",\"usage\":{\"input_tokens\":30,\"input_tokens_details\":{\"cached_tokens\":10},\"output_tokens\":6,\"total_tokens\":36}}}\n\n",
            new ActivityTokens(CacheTokens: 10, InputTokens: 30, OutputTokens: 6)),
        ["vllm metrics with speculative decoding"] = new(200, Json,
            """{"id":"cmpl-1","object":"chat.completion","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":40,"prompt_tokens_details":{"cached_tokens":20}},"metrics":{"time_to_first_token_ms":50.0,"mean_itl_ms":20.0,"speculative_decoding":{"num_draft_tokens":30,"num_accepted_draft_tokens":18}}}""",
            new ActivityTokens(20, 30, 18, 120, 40, 2000, 50)),
        ["vllm draft counts need both fields"] = new(200, Json,
            """{"usage":{"prompt_tokens":2,"completion_tokens":1},"metrics":{"speculative_decoding":{"num_draft_tokens":30}}}""",
            new ActivityTokens(InputTokens: 2, OutputTokens: 1)),
        ["stream skips comments, invalid json and other lines"] = new(200, Sse,
            ": keep-alive\n\ndata: {not json\n\nid: 4\ndata:{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n",
            new ActivityTokens(InputTokens: 3, OutputTokens: 2)),
        ["stream tail starting mid-line"] = new(200, Sse,
            "tokens\":\"x\"}]}\n\ndata: {\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":900}}\n\ndata: [DONE]\n\n",
            new ActivityTokens(InputTokens: 9, OutputTokens: 900), Complete: false),
        ["json tail cannot be parsed"] = new(200, Json, "\"usage\":{\"prompt_tokens\":9}}", ActivityTokens.Unknown, Complete: false),
        ["empty 200 body"] = new(200, Json, "", ActivityTokens.Unknown),
        ["200 with a body that is not json"] = new(200, "text/plain", "hello", ActivityTokens.Unknown),
        ["error object message"] = new(500, Json, """{"error":{"message":"model crashed","type":"server_error"}}""", ActivityTokens.Unknown, Error: "model crashed"),
        ["error string"] = new(400, Json, """{"error":"bad input"}""", ActivityTokens.Unknown, Error: "bad input"),
        ["message field"] = new(404, Json, """{"message":"no such model"}""", ActivityTokens.Unknown, Error: "no such model"),
        ["detail field"] = new(422, Json, """{"detail":"field required"}""", ActivityTokens.Unknown, Error: "field required"),
        ["empty error falls through to message"] = new(400, Json, """{"error":{"message":""},"message":"second"}""", ActivityTokens.Unknown, Error: "second"),
        ["non-json error body"] = new(502, "text/html", "<html>upstream down</html>", ActivityTokens.Unknown, Error: "502 Bad Gateway"),
        ["error json without a message"] = new(503, Json, """{"code":17}""", ActivityTokens.Unknown, Error: "503 Service Unavailable"),
        ["error ignores usage"] = new(429, Json, """{"error":{"message":"slow down"},"usage":{"prompt_tokens":5}}""", ActivityTokens.Unknown, Error: "slow down"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ParsesUsageSpeedsAndErrors(string name)
    {
        var c = Cases[name];

        var parsed = UsageParser.Parse(c.Status, c.ContentType, Encoding.UTF8.GetBytes(c.Body), c.Complete, c.Wall);

        Assert.Equal(c.Expected, parsed.Tokens);
        Assert.Equal(c.Duration, parsed.DurationMs);
        Assert.Equal(c.Error, parsed.ErrorMessage);
    }

    [Fact]
    public void LongErrorMessagesAreCutAt500Characters()
    {
        var message = new string('x', 600);

        var parsed = UsageParser.Parse(500, Json, Encoding.UTF8.GetBytes($$$"""{"error":{"message":"{{{message}}}"}}"""), true, 1);

        Assert.Equal(new string('x', 500) + "...", parsed.ErrorMessage);
    }
}
