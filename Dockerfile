# The gateway image: one silo per container. Built by docker-compose.yml.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/Jnt.Consent.Server/Jnt.Consent.Server.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# gRPC (HTTP/2), the HTTP/1.1 endpoint (one-click unsubscribe) and the Orleans silo-to-silo port.
EXPOSE 5080 8080 11111
USER app
ENTRYPOINT ["dotnet", "Jnt.Consent.Server.dll"]
