using System.Text.Json;
using LlamaSwap.Simulator.Generation;
using LlamaSwap.Simulator.Http;

namespace LlamaSwap.Simulator.LlamaServer;

/// <summary>
/// <c>POST /v1/rerank</c>, <c>/rerank</c>, <c>/reranking</c>, <c>/v1/reranking</c> (llama-server / Jina
/// shape): <c>results</c> of <c>{index, relevance_score}</c> sorted best first, cut to <c>top_n</c>, with the
/// document when <c>return_documents</c> is true. The score is the share of query words found in the
/// document plus a small hash-derived tie-breaker: deterministic, and sensible enough to sort by.
/// </summary>
internal sealed class RerankEndpoint(SimulatorRuntime runtime) : JsonInferenceEndpoint(runtime)
{
    protected override Task RespondAsync(SimulatorCall call, JsonElement root)
    {
        var query = RequestFields.OptionalString(root, "query")
            ?? throw SimulatorRequestException.BadRequest("'query' is required", "query");
        if (!root.TryGetProperty("documents", out var documentsElement) || documentsElement.ValueKind != JsonValueKind.Array)
            throw SimulatorRequestException.BadRequest("'documents' must be an array of strings", "documents");

        var documents = new List<string>(documentsElement.GetArrayLength());
        foreach (var document in documentsElement.EnumerateArray())
        {
            documents.Add(document.ValueKind switch
            {
                JsonValueKind.String => document.GetString()!,
                JsonValueKind.Object when document.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String => text.GetString()!,
                _ => throw SimulatorRequestException.BadRequest("'documents' items must be strings or {\"text\": ...} objects", "documents"),
            });
        }

        var topN = RequestFields.OptionalInt(root, "top_n") ?? documents.Count;
        var returnDocuments = RequestFields.OptionalBool(root, "return_documents");
        var results = documents
            .Select((text, index) => (index, score: Score(query, text)))
            .OrderByDescending(r => r.score)
            .ThenBy(r => r.index)
            .Take(Math.Max(topN, 0))
            .ToList();
        var promptTokens = PromptDigest.Of(root).Words;

        return JsonResponse.WriteAsync(call.Context, StatusCodes.Status200OK, (call, results, documents, returnDocuments, promptTokens),
            static (writer, s) =>
            {
                writer.WriteStartObject();
                writer.WriteString("model"u8, s.call.ResponseModel);
                writer.WriteString("object"u8, "list"u8);
                writer.WriteStartObject("usage"u8);
                writer.WriteNumber("prompt_tokens"u8, s.promptTokens);
                writer.WriteNumber("total_tokens"u8, s.promptTokens);
                writer.WriteEndObject();
                writer.WriteStartArray("results"u8);
                foreach (var (index, score) in s.results)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("index"u8, index);
                    writer.WriteNumber("relevance_score"u8, Math.Round(score, 6));
                    if (s.returnDocuments)
                    {
                        writer.WriteStartObject("document"u8);
                        writer.WriteString("text"u8, s.documents[index]);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                s.call.WriteSimulatorProperties(writer);
                writer.WriteEndObject();
            });
    }

    internal static double Score(string query, string document)
    {
        var queryWords = Words(query);
        var documentWords = Words(document).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var overlap = queryWords.Length == 0 ? 0 : queryWords.Count(documentWords.Contains) / (double)queryWords.Length;
        var tieBreaker = EmbeddingVector.Fnv1a(query + "\n" + document) % 1000 / 10_000.0;
        return (overlap * 0.9) + tieBreaker;
    }

    private static string[] Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Trim('.', ',', ';', ':', '!', '?', '"', '\''))
            .Where(w => w.Length > 0)
            .ToArray();
}
