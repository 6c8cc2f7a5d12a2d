namespace LlamaSwap.Proxy.Requests;

/// <summary>Where a request's model name was found, which is also where a rewrite must put the new one.</summary>
internal enum ModelSource
{
    None,
    JsonBody,
    MultipartBody,
    FormBody,
    Query,
    UpstreamPath,
}
