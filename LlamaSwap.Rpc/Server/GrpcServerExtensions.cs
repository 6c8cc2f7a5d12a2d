using Google.Protobuf;
using LlamaSwap.Rpc.Health.V1;
using LlamaSwap.Rpc.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlamaSwap.Rpc.Server;

/// <summary>
/// Registration of the gRPC server transport. The endpoint it serves on must speak HTTP/2
/// (cleartext: <c>ListenOptions.Protocols = HttpProtocols.Http2</c>).
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddGrpcServer();
/// builder.Services.AddSingleton&lt;MySupervisorService&gt;();
/// app.MapGrpcService&lt;MySupervisorService&gt;();
/// app.MapGrpcHealthService();
/// </code>
/// </example>
public static class GrpcServerExtensions
{
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddRouting();
        services.TryAddSingleton<GrpcServerRuntime>();
        services.TryAddSingleton<HealthService>();
        return services;
    }

    /// <summary>Maps a service resolved from the container (or created once when it is not registered).</summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints)
        where TService : class, IGrpcService
    {
        var service = endpoints.ServiceProvider.GetService<TService>()
            ?? ActivatorUtilities.CreateInstance<TService>(endpoints.ServiceProvider);
        return endpoints.MapGrpcService(service);
    }

    public static IEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, IGrpcService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var binder = CreateBinder(endpoints);
        service.Bind(binder);
        return new CompositeConventionBuilder(binder.Mapped);
    }

    /// <summary>Maps the standard <c>grpc.health.v1.Health</c> service; set statuses on the <see cref="HealthService"/> singleton.</summary>
    public static IEndpointConventionBuilder MapGrpcHealthService(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<HealthService>();

    public static IEndpointConventionBuilder MapGrpcUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        GrpcMethod<TRequest, TResponse> method,
        UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var binder = CreateBinder(endpoints).Unary(method, handler);
        return binder.Mapped[0];
    }

    public static IEndpointConventionBuilder MapGrpcServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        GrpcMethod<TRequest, TResponse> method,
        ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var binder = CreateBinder(endpoints).ServerStreaming(method, handler);
        return binder.Mapped[0];
    }

    private static GrpcServiceBinder CreateBinder(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var runtime = endpoints.ServiceProvider.GetService<GrpcServerRuntime>()
            ?? throw new InvalidOperationException(
                $"The gRPC server is not registered: call services.{nameof(AddGrpcServer)}() before mapping gRPC services.");
        if (runtime.Services.TryClaimUnimplementedMapping())
        {
            var unimplemented = new UnimplementedCallHandler(runtime);
            var pattern = RoutePatternFactory.Parse(
                $"{{**{UnimplementedCallHandler.PathParameter}}}",
                defaults: null,
                parameterPolicies: new RouteValueDictionary
                {
                    [UnimplementedCallHandler.PathParameter] = new UnimplementedCallHandler.GrpcContentTypeConstraint(),
                });
            endpoints.Map(pattern, unimplemented.HandleAsync)
                .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]))
                .WithDisplayName("gRPC unimplemented");
        }

        return new GrpcServiceBinder(endpoints, runtime);
    }

    private sealed class CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
