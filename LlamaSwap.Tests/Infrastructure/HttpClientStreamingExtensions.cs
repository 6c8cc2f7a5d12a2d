using System.Text;

namespace LlamaSwap.Tests.Infrastructure;

/// <summary>Requests whose response body is read as it arrives (the default HttpClient calls buffer it whole).</summary>
public static class HttpClientStreamingExtensions
{
    /// <summary>POSTs a JSON body and returns as soon as the response headers arrive.</summary>
    public static async Task<HttpResponseMessage> PostJsonForStreamAsync(this HttpClient client, string path, string json, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
