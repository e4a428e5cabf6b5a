# Multi-stage build of the Twoway service. Not exercised by CI (no Docker engine runs there).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests && cp target/twoway-*.jar /src/app.jar

FROM eclipse-temurin:17-jre
# a numeric user, so that Kubernetes can verify runAsNonRoot
RUN groupadd --system --gid 10001 twoway && useradd --system --uid 10001 --gid twoway --home /app twoway
WORKDIR /app
COPY --from=build /src/app.jar /app/app.jar
USER 10001
# the API (PORT) and the management endpoints (MANAGEMENT_PORT)
EXPOSE 8080 8081
# a default the environment can replace (the Kubernetes manifests set 60 %)
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
