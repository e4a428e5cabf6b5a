# Multi-stage build of the Twoway service. Not exercised by CI (no Docker engine runs there).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests && cp target/twoway-*.jar /src/app.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system twoway && useradd --system --gid twoway --home /app twoway
WORKDIR /app
COPY --from=build /src/app.jar /app/app.jar
USER twoway
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
