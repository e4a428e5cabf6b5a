package io.twoway.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Scale-out: the Kubernetes manifests in {@code deploy/kubernetes/} and the api/worker services of
 * {@code docker-compose.yaml}, checked against what the application serves and reads. Plain files, no Spring context:
 * <ul>
 *   <li>probes use {@code httpGet} on {@code <base-path>/health/<group>} for a health group that application.yaml
 *       defines, on a declared port whose number is MANAGEMENT_PORT's default (or its override);</li>
 *   <li>roles: the api Deployment holds {@code api} and declares PORT, the worker neither; every name is a role; all
 *       four roles run somewhere;</li>
 *   <li>every environment name (ConfigMaps, Secrets, {@code env:}, compose {@code environment:}) is one the
 *       application reads: a {@code ${NAME}} in application.yaml, a name DatabaseUrlEnvironmentPostProcessor reads,
 *       TWOWAY_ROLES, or one the JVM reads (JAVA_TOOL_OPTIONS);</li>
 *   <li>Services, the HPA and the PDBs point at existing Deployments, ports and pod labels;</li>
 *   <li>every container has requests (cpu, memory) and a memory limit, and its JAVA_TOOL_OPTIONS heap setting is not
 *       overridden by the image's command line.</li>
 * </ul>
 */
class KubernetesManifestsTest {

    /** The roles of TWOWAY_ROLES (io.twoway.config.Roles). */
    private static final Set<String> ROLES = Set.of("api", "relay", "sync", "scheduler");
    /** Names the JVM reads, not the application. */
    private static final Set<String> JVM_NAMES = Set.of("JAVA_TOOL_OPTIONS");
    private static final String ROLES_NAME = "TWOWAY_ROLES";
    private static final String NAME_LABEL = "app.kubernetes.io/name";
    private static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}$");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final Pattern JAVA_STRING_NAME = Pattern.compile("\"([A-Z][A-Z0-9_]*)\"");
    private static final Pattern HEALTH_URL = Pattern.compile("https?://[^/:\\s]+:(\\d+)(/\\S*)");

    private static Path root;
    private static Map<String, Object> application;
    private static Set<String> applicationNames;
    private static Placeholder apiPort;
    private static Placeholder managementPort;
    private static String healthBase;
    private static Set<String> healthGroups;
    private static String defaultRoles;
    private static List<Manifest> manifests;
    private static Map<String, Object> compose;
    private static String dockerfile;

    /** One YAML document of one manifest file. */
    record Manifest(String file, int index, Map<String, Object> doc) {
        String kind() {
            return str(doc.get("kind"));
        }

        String name() {
            return str(at(doc, "metadata", "name"));
        }

        String where() {
            return "deploy/kubernetes/" + file + (index > 0 ? " (document " + (index + 1) + ")" : "") + " " + kind() + " " + name();
        }

        Map<String, Object> podLabels() {
            return map(at(doc, "spec", "template", "metadata", "labels"));
        }

        List<Map<String, Object>> containers() {
            return maps(at(doc, "spec", "template", "spec", "containers"));
        }
    }

    /** {@code ${NAME:default}}: an environment name and its default. */
    record Placeholder(String name, String defaultValue) {
        @Override
        public String toString() {
            return "${" + name + ":" + defaultValue + "}";
        }
    }

    @BeforeAll
    static void load() throws IOException {
        root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path applicationYaml = root.resolve("src/main/resources/application.yaml");
        String applicationText = Files.readString(applicationYaml);
        application = map(yaml().load(applicationText));

        applicationNames = new TreeSet<>();
        Matcher m = ENV_REFERENCE.matcher(applicationText);
        while (m.find()) {
            applicationNames.add(m.group(1));
        }
        Matcher j = JAVA_STRING_NAME.matcher(Files.readString(root.resolve("src/main/java/io/twoway/config/DatabaseUrlEnvironmentPostProcessor.java")));
        while (j.find()) {
            applicationNames.add(j.group(1));
        }
        applicationNames.add(ROLES_NAME);

        managementPort = placeholder(at(application, "management", "server", "port") != null
                ? at(application, "management", "server", "port") : at(application, "server", "port"), "server.port");
        apiPort = placeholder(at(application, "twoway", "api", "port"), "twoway.api.port");
        Object basePath = at(application, "management", "endpoints", "web", "base-path");
        healthBase = (basePath == null ? "/actuator" : str(basePath)) + "/health/";
        healthGroups = new TreeSet<>(map(at(application, "management", "endpoint", "health", "group")).keySet());
        Object roles = at(application, "twoway", "roles");
        defaultRoles = roles == null ? String.join(",", ROLES) : placeholder(roles, "twoway.roles").defaultValue();

        manifests = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(root.resolve("deploy/kubernetes"))) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no manifests in deploy/kubernetes/");
        for (Path file : files) {
            int index = 0;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (Object doc : yaml().loadAll(reader)) {
                    if (doc != null) {
                        manifests.add(new Manifest(file.getFileName().toString(), index, map(doc)));
                    }
                    index++;
                }
            }
        }
        compose = map(yaml().load(Files.readString(root.resolve("docker-compose.yaml"))));
        dockerfile = Files.readString(root.resolve("Dockerfile"));
    }

    @Test
    void everyManifestIsNamedLabelledAndListedInTheKustomization() {
        List<String> problems = new ArrayList<>();
        Set<String> files = new TreeSet<>();
        List<String> listed = new ArrayList<>();
        for (Manifest m : manifests) {
            if ("Kustomization".equals(m.kind())) {
                for (Object resource : list(m.doc().get("resources"))) {
                    listed.add(str(resource));
                }
                continue;
            }
            files.add(m.file());
            if (m.doc().get("apiVersion") == null || m.kind() == null || m.name() == null) {
                problems.add(m.where() + ": needs apiVersion, kind and metadata.name");
            }
            if (!"twoway".equals(map(at(m.doc(), "metadata", "labels")).get(NAME_LABEL))) {
                problems.add(m.where() + ": metadata.labels needs " + NAME_LABEL + ": twoway");
            }
        }
        if (manifests.stream().anyMatch(m -> "Kustomization".equals(m.kind()))) {
            for (String file : files) {
                if (!listed.contains(file)) {
                    problems.add("deploy/kubernetes/kustomization.yaml: resources does not list " + file + " (kubectl apply -k would leave it out)");
                }
            }
            for (String file : listed) {
                if (!Files.exists(root.resolve("deploy/kubernetes").resolve(file))) {
                    problems.add("deploy/kubernetes/kustomization.yaml: lists " + file + ", which does not exist");
                }
            }
        }
        for (Manifest d : deployments()) {
            Map<String, Object> labels = d.podLabels();
            if (!"twoway".equals(labels.get(NAME_LABEL))) {
                problems.add(d.where() + ": the pod template needs the label " + NAME_LABEL + ": twoway");
            }
            if (!Set.of("api", "worker").contains(str(labels.get(COMPONENT_LABEL)))) {
                problems.add(d.where() + ": the pod template's " + COMPONENT_LABEL + " must be api or worker, not " + labels.get(COMPONENT_LABEL));
            }
            Map<String, Object> selector = map(at(d.doc(), "spec", "selector", "matchLabels"));
            if (selector.isEmpty() || !matches(selector, labels)) {
                problems.add(d.where() + ": spec.selector.matchLabels " + selector + " does not match the pod template's labels " + labels);
            }
            if (d.containers().isEmpty()) {
                problems.add(d.where() + ": no containers");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void probesAskTheHealthGroupsOnTheManagementPort() {
        List<String> problems = new ArrayList<>();
        assertFalse(healthGroups.isEmpty(), "application.yaml defines no management.endpoint.health.group");
        for (Manifest d : deployments()) {
            for (Map<String, Object> container : d.containers()) {
                String where = d.where() + " container " + container.get("name");
                int management = effectivePort(managementPort, effectiveEnv(container));
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    Map<String, Object> spec = map(container.get(probe));
                    if (spec.isEmpty()) {
                        if (!probe.equals("startupProbe")) {
                            problems.add(where + ": no " + probe);
                        }
                        continue;
                    }
                    Map<String, Object> get = map(spec.get("httpGet"));
                    if (get.isEmpty()) {
                        problems.add(where + ": " + probe + " must be an httpGet on the management port, not " + spec.keySet());
                        continue;
                    }
                    // liveness must never ask the database (readiness does): a database outage would restart every pod
                    String group = probe.equals("readinessProbe") ? "readiness" : "liveness";
                    String path = str(get.get("path"));
                    if (!healthGroups.contains(group)) {
                        problems.add("application.yaml: no health group '" + group + "' for the " + probe + " of " + where
                                + " (groups: " + healthGroups + ")");
                    } else if (!(healthBase + group).equals(path)) {
                        problems.add(where + ": " + probe + " path " + path + " should be " + healthBase + group
                                + (path != null && path.startsWith(healthBase) && !healthGroups.contains(path.substring(healthBase.length()))
                                        ? " (application.yaml defines the health groups " + healthGroups + ")" : ""));
                    }
                    if (get.get("scheme") != null && !"HTTP".equals(get.get("scheme"))) {
                        problems.add(where + ": " + probe + " scheme " + get.get("scheme") + ": the management port speaks plain HTTP");
                    }
                    Integer port = resolvePort(container, get.get("port"));
                    if (port == null) {
                        problems.add(where + ": " + probe + " port " + get.get("port") + " is not a containerPort the container declares "
                                + ports(container));
                    } else if (port != management) {
                        problems.add(where + ": " + probe + " port " + get.get("port") + " is " + port + ", but health is served on MANAGEMENT_PORT "
                                + management + " (application.yaml: " + managementPort + ")");
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void theApiDeploymentHoldsTheApiRoleAndPortAndTheWorkerNeither() {
        List<String> problems = new ArrayList<>();
        long apis = deployments().stream().filter(d -> "api".equals(d.podLabels().get(COMPONENT_LABEL))).count();
        long workers = deployments().stream().filter(d -> "worker".equals(d.podLabels().get(COMPONENT_LABEL))).count();
        if (apis != 1 || workers != 1) {
            problems.add("deploy/kubernetes: expected one Deployment of component api and one of component worker, found " + apis + " and " + workers);
        }
        Set<String> everyRole = new TreeSet<>();
        for (Manifest d : deployments()) {
            for (Map<String, Object> container : d.containers()) {
                String where = d.where() + " container " + container.get("name");
                Map<String, String> env = effectiveEnv(container);
                Set<String> roles = roles(env, where, problems);
                everyRole.addAll(roles);
                int api = effectivePort(apiPort, env);
                boolean declaresApiPort = maps(container.get("ports")).stream().anyMatch(p -> Objects.equals(number(p.get("containerPort")), api));
                boolean apiComponent = "api".equals(d.podLabels().get(COMPONENT_LABEL));
                if (apiComponent && !roles.contains("api")) {
                    problems.add(where + ": the api Deployment's " + ROLES_NAME + " " + roles + " does not contain api");
                }
                if (!apiComponent && roles.contains("api")) {
                    problems.add(where + ": " + ROLES_NAME + " " + roles + " contains api, but the pods are labelled "
                            + d.podLabels().get(COMPONENT_LABEL) + " (only the api Deployment serves PORT)");
                }
                if (roles.contains("api") && !declaresApiPort) {
                    problems.add(where + ": holds the api role but declares no containerPort " + api + " (PORT, application.yaml: " + apiPort + "); ports "
                            + ports(container));
                }
                if (!roles.contains("api") && declaresApiPort) {
                    problems.add(where + ": declares containerPort " + api + " (PORT), but without the api role nothing listens there");
                }
            }
        }
        if (!everyRole.containsAll(ROLES)) {
            problems.add("deploy/kubernetes: no Deployment runs the role(s) " + difference(ROLES, everyRole) + ": their work would never be done");
        }
        assertNoProblems(problems);
    }

    @Test
    void everyEnvironmentNameIsOneTheApplicationReads() {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if ("ConfigMap".equals(m.kind())) {
                checkNames(m.where() + " data", map(m.doc().get("data")).keySet(), problems);
            } else if ("Secret".equals(m.kind())) {
                checkNames(m.where() + " stringData", map(m.doc().get("stringData")).keySet(), problems);
                checkNames(m.where() + " data", map(m.doc().get("data")).keySet(), problems);
            }
        }
        for (Manifest d : deployments()) {
            for (Map<String, Object> container : d.containers()) {
                String where = d.where() + " container " + container.get("name");
                checkNames(where + " env", maps(container.get("env")).stream().map(e -> str(e.get("name"))).toList(), problems);
                for (Map<String, Object> from : maps(container.get("envFrom"))) {
                    String configMap = str(at(from, "configMapRef", "name"));
                    String secret = str(at(from, "secretRef", "name"));
                    if (configMap != null && find("ConfigMap", configMap) == null) {
                        problems.add(where + ": envFrom names the ConfigMap " + configMap + ", which no manifest defines");
                    }
                    if (secret != null && find("Secret", secret) == null) {
                        problems.add(where + ": envFrom names the Secret " + secret + ", which no manifest defines");
                    }
                }
                Map<String, String> env = effectiveEnv(container);
                for (String required : List.of("DATABASE_URL", "API_TOKEN")) {
                    if (!env.containsKey(required)) {
                        problems.add(where + ": gets no " + required + " (env or envFrom); the service does not start without it");
                    }
                }
            }
        }
        for (Map.Entry<String, Map<String, Object>> service : twowayComposeServices().entrySet()) {
            checkNames("docker-compose.yaml service " + service.getKey() + " environment", composeEnv(service.getValue()).keySet(), problems);
        }
        assertNoProblems(problems);
    }

    @Test
    void servicesHpaAndDisruptionBudgetsPointAtTheDeployments() {
        List<String> problems = new ArrayList<>();
        for (Manifest s : of("Service")) {
            Map<String, Object> selector = map(at(s.doc(), "spec", "selector"));
            List<Manifest> selected = deployments().stream().filter(d -> !selector.isEmpty() && matches(selector, d.podLabels())).toList();
            if (selected.isEmpty()) {
                problems.add(s.where() + ": selector " + selector + " matches the pods of no Deployment");
            }
            for (Map<String, Object> port : maps(at(s.doc(), "spec", "ports"))) {
                Object target = port.get("targetPort") != null ? port.get("targetPort") : port.get("port");
                for (Manifest d : selected) {
                    if (d.containers().stream().noneMatch(c -> resolvePort(c, target) != null)) {
                        problems.add(s.where() + ": targetPort " + target + " is not a containerPort of " + d.where() + " "
                                + d.containers().stream().map(KubernetesManifestsTest::ports).toList());
                    }
                }
            }
        }
        for (Manifest h : of("HorizontalPodAutoscaler")) {
            Map<String, Object> ref = map(at(h.doc(), "spec", "scaleTargetRef"));
            Manifest target = "Deployment".equals(ref.get("kind")) ? find("Deployment", str(ref.get("name"))) : null;
            if (!"autoscaling/v2".equals(h.doc().get("apiVersion"))) {
                problems.add(h.where() + ": apiVersion should be autoscaling/v2, not " + h.doc().get("apiVersion"));
            }
            if (target == null) {
                problems.add(h.where() + ": scaleTargetRef " + ref + " is no Deployment in deploy/kubernetes");
                continue;
            }
            Integer min = number(at(h.doc(), "spec", "minReplicas"));
            Integer max = number(at(h.doc(), "spec", "maxReplicas"));
            if (min == null || min < 2 || max == null || max < min) {
                problems.add(h.where() + ": minReplicas " + min + " / maxReplicas " + max + ": at least 2 (a PDB with minAvailable 1 would block drains), max >= min");
            }
            boolean cpu = maps(at(h.doc(), "spec", "metrics")).stream().anyMatch(metric -> "cpu".equals(at(metric, "resource", "name")));
            for (Map<String, Object> container : target.containers()) {
                if (cpu && at(container, "resources", "requests", "cpu") == null) {
                    problems.add(h.where() + ": scales on CPU utilisation, but " + target.where() + " container " + container.get("name")
                            + " requests no cpu to measure it against");
                }
                Set<String> roles = roles(effectiveEnv(container), target.where(), new ArrayList<>());
                Set<String> fixed = new TreeSet<>(roles);
                fixed.retainAll(Set.of("relay", "sync", "scheduler"));
                if (!fixed.isEmpty()) {
                    problems.add(h.where() + ": autoscales " + target.where() + ", which holds " + fixed
                            + ": the relay is single-active, Quartz fires once, the sync is capped by the partitions");
                }
            }
        }
        for (Manifest p : of("PodDisruptionBudget")) {
            Map<String, Object> selector = map(at(p.doc(), "spec", "selector", "matchLabels"));
            List<Manifest> selected = deployments().stream().filter(d -> !selector.isEmpty() && matches(selector, d.podLabels())).toList();
            if (selected.isEmpty()) {
                problems.add(p.where() + ": selector " + selector + " matches the pods of no Deployment");
            }
            Integer minAvailable = number(at(p.doc(), "spec", "minAvailable"));
            for (Manifest d : selected) {
                int floor = replicaFloor(d);
                if (minAvailable != null && minAvailable >= floor) {
                    problems.add(p.where() + ": minAvailable " + minAvailable + " with " + floor + " replica(s) of " + d.where()
                            + ": no pod could ever be evicted, so node drains would hang");
                }
            }
        }
        for (Manifest d : deployments()) {
            boolean covered = of("PodDisruptionBudget").stream()
                    .anyMatch(p -> matches(map(at(p.doc(), "spec", "selector", "matchLabels")), d.podLabels()));
            if (!covered) {
                problems.add(d.where() + ": no PodDisruptionBudget selects its pods");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyContainerRequestsCpuAndMemoryAndLimitsMemory() {
        List<String> problems = new ArrayList<>();
        for (Manifest d : deployments()) {
            for (Map<String, Object> container : d.containers()) {
                String where = d.where() + " container " + container.get("name");
                for (String[] path : new String[][] {{"requests", "cpu"}, {"requests", "memory"}, {"limits", "memory"}}) {
                    if (at(container, "resources", path[0], path[1]) == null) {
                        problems.add(where + ": no resources." + path[0] + "." + path[1]);
                    }
                }
                Long request = bytes(at(container, "resources", "requests", "memory"));
                Long limit = bytes(at(container, "resources", "limits", "memory"));
                if (request != null && limit != null && request > limit) {
                    problems.add(where + ": requests.memory " + at(container, "resources", "requests", "memory") + " exceeds limits.memory "
                            + at(container, "resources", "limits", "memory"));
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void theHeapSettingInJavaToolOptionsTakesEffect() {
        List<String> problems = new ArrayList<>();
        List<String> entrypoint = dockerfileEntrypoint();
        for (Manifest d : deployments()) {
            for (Map<String, Object> container : d.containers()) {
                String where = d.where() + " container " + container.get("name");
                String options = maps(container.get("env")).stream().filter(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name")))
                        .map(e -> str(e.get("value"))).findFirst().orElse(null);
                if (options == null || !options.contains("-XX:MaxRAMPercentage=")) {
                    problems.add(where + ": JAVA_TOOL_OPTIONS should set -XX:MaxRAMPercentage (the heap as a share of the memory limit)");
                }
                List<String> command = strings(container.get("command"));
                List<String> effective = command.isEmpty() ? entrypoint : command;
                for (String arg : effective) {
                    if (arg.startsWith("-XX:MaxRAMPercentage") || arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxHeapSize")) {
                        problems.add(where + ": the command line " + effective + (command.isEmpty() ? " (the Dockerfile's ENTRYPOINT)" : "")
                                + " passes " + arg + ", which overrides JAVA_TOOL_OPTIONS");
                    }
                }
                if (!command.isEmpty() && !Objects.equals(jar(command), jar(entrypoint))) {
                    problems.add(where + ": command runs the jar " + jar(command) + ", but the Dockerfile's ENTRYPOINT runs " + jar(entrypoint));
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void dockerComposeRunsAnApiAndAWorker() {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Object>> services = twowayComposeServices();
        if (!services.keySet().equals(Set.of("api", "worker"))) {
            problems.add("docker-compose.yaml: the services built from the Dockerfile should be api and worker, not " + services.keySet());
        }
        Set<String> everyRole = new TreeSet<>();
        for (Map.Entry<String, Map<String, Object>> entry : services.entrySet()) {
            String where = "docker-compose.yaml service " + entry.getKey();
            Map<String, String> env = composeEnv(entry.getValue());
            if (!env.containsKey(ROLES_NAME)) {
                problems.add(where + ": sets no " + ROLES_NAME + " (the default runs every role, the API included)");
            }
            Set<String> roles = roles(env, where, problems);
            everyRole.addAll(roles);
            int api = effectivePort(apiPort, env);
            int management = effectivePort(managementPort, env);
            Set<Integer> published = new LinkedHashSet<>();
            for (Object port : list(entry.getValue().get("ports"))) {
                published.add(composeContainerPort(port));
            }
            if (entry.getKey().equals("api")) {
                if (!roles.contains("api")) {
                    problems.add(where + ": " + ROLES_NAME + " " + roles + " does not contain api");
                }
                if (!published.contains(api)) {
                    problems.add(where + ": publishes no container port " + api + " (PORT, application.yaml: " + apiPort + "); ports " + published);
                }
            } else {
                if (roles.contains("api")) {
                    problems.add(where + ": " + ROLES_NAME + " " + roles + " contains api: only the api service serves PORT");
                }
                if (published.contains(api)) {
                    problems.add(where + ": publishes container port " + api + " (PORT), but without the api role nothing listens there");
                }
            }
            for (String test : strings(at(entry.getValue(), "healthcheck", "test"))) {
                Matcher url = HEALTH_URL.matcher(test);
                while (url.find()) {
                    int port = Integer.parseInt(url.group(1));
                    String path = url.group(2);
                    if (port != management) {
                        problems.add(where + ": the healthcheck asks port " + port + ", but health is served on MANAGEMENT_PORT " + management);
                    }
                    if (!path.startsWith(healthBase) || !healthGroups.contains(path.substring(healthBase.length()))) {
                        problems.add(where + ": the healthcheck asks " + path + ", not one of " + healthGroups.stream().map(g -> healthBase + g).toList());
                    }
                }
            }
        }
        if (!everyRole.containsAll(ROLES)) {
            problems.add("docker-compose.yaml: no service runs the role(s) " + difference(ROLES, everyRole));
        }
        assertNoProblems(problems);
    }

    // ---- what the application reads

    private static void checkNames(String where, Iterable<String> names, List<String> problems) {
        for (String name : names) {
            if (name == null) {
                problems.add(where + ": an entry without a name");
            } else if (!applicationNames.contains(name) && !JVM_NAMES.contains(name)) {
                problems.add(where + ": " + name + " is not read by the application (not a ${" + name
                        + "} in application.yaml, nor DATABASE_URL or " + ROLES_NAME + ")" + suggestion(name));
            }
        }
    }

    private static String suggestion(String name) {
        return applicationNames.stream().filter(known -> distance(known, name) <= 2).findFirst().map(known -> "; did you mean " + known + "?").orElse("");
    }

    private static Set<String> roles(Map<String, String> env, String where, List<String> problems) {
        String value = env.getOrDefault(ROLES_NAME, defaultRoles);
        Set<String> roles = new TreeSet<>();
        for (String part : (value == null ? "" : value).split(",")) {
            String role = part.trim().toLowerCase(Locale.ROOT);
            if (role.isEmpty()) {
                continue;
            }
            if (!ROLES.contains(role)) {
                problems.add(where + ": " + ROLES_NAME + " names '" + part.trim() + "', not one of " + new TreeSet<>(ROLES));
            }
            roles.add(role);
        }
        if (roles.isEmpty()) {
            problems.add(where + ": " + ROLES_NAME + " is empty");
        }
        return roles;
    }

    private static int effectivePort(Placeholder port, Map<String, String> env) {
        String value = env.get(port.name()) != null ? env.get(port.name()) : port.defaultValue();
        return Integer.parseInt(value.trim());
    }

    private static Placeholder placeholder(Object value, String property) {
        Matcher m = PLACEHOLDER.matcher(String.valueOf(value));
        if (!m.matches()) {
            fail("application.yaml: " + property + " is " + value + ", expected ${NAME:default}");
        }
        return new Placeholder(m.group(1), m.group(2));
    }

    // ---- manifests

    private static List<Manifest> of(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    private static List<Manifest> deployments() {
        return of("Deployment");
    }

    private static Manifest find(String kind, String name) {
        return of(kind).stream().filter(m -> Objects.equals(name, m.name())).findFirst().orElse(null);
    }

    /** The environment a container sees: its envFrom ConfigMaps and Secrets, then its env (which wins). */
    private static Map<String, String> effectiveEnv(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> from : maps(container.get("envFrom"))) {
            Manifest configMap = find("ConfigMap", str(at(from, "configMapRef", "name")));
            if (configMap != null) {
                map(configMap.doc().get("data")).forEach((k, v) -> env.put(k, str(v)));
            }
            Manifest secret = find("Secret", str(at(from, "secretRef", "name")));
            if (secret != null) {
                map(secret.doc().get("data")).forEach((k, v) -> env.put(k, new String(Base64.getDecoder().decode(str(v)), StandardCharsets.UTF_8)));
                map(secret.doc().get("stringData")).forEach((k, v) -> env.put(k, str(v)));
            }
        }
        for (Map<String, Object> e : maps(container.get("env"))) {
            env.put(str(e.get("name")), e.get("value") == null ? null : str(e.get("value")));
        }
        return env;
    }

    /** A port by name or number, as the container declares it; null when it declares no such port. */
    private static Integer resolvePort(Map<String, Object> container, Object port) {
        for (Map<String, Object> declared : maps(container.get("ports"))) {
            Integer number = number(declared.get("containerPort"));
            if (port instanceof Number n ? Objects.equals(number, n.intValue()) : Objects.equals(str(port), str(declared.get("name")))) {
                return number;
            }
        }
        return null;
    }

    private static List<String> ports(Map<String, Object> container) {
        return maps(container.get("ports")).stream().map(p -> p.get("name") + "=" + p.get("containerPort")).toList();
    }

    private static int replicaFloor(Manifest deployment) {
        for (Manifest h : of("HorizontalPodAutoscaler")) {
            if (Objects.equals(at(h.doc(), "spec", "scaleTargetRef", "name"), deployment.name())) {
                Integer min = number(at(h.doc(), "spec", "minReplicas"));
                return min == null ? 1 : min;
            }
        }
        Integer replicas = number(at(deployment.doc(), "spec", "replicas"));
        return replicas == null ? 1 : replicas;
    }

    private static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> Objects.equals(str(e.getValue()), str(labels.get(e.getKey()))));
    }

    // ---- docker-compose.yaml and the Dockerfile

    /** The services built from the Dockerfile: Twoway's (postgres and kafka have environments of their own). */
    private static Map<String, Map<String, Object>> twowayComposeServices() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, service) -> {
            if (map(service).containsKey("build")) {
                services.put(name, map(service));
            }
        });
        return services;
    }

    private static Map<String, String> composeEnv(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> values) {
            values.forEach((k, v) -> env.put(str(k), v == null ? null : str(v)));
        } else {
            for (Object entry : list(environment)) {
                String[] pair = str(entry).split("=", 2);
                env.put(pair[0], pair.length > 1 ? pair[1] : null);
            }
        }
        return env;
    }

    /** "8082:8081", "127.0.0.1:8081:8081/tcp", 8080 or the long form: the container's port. */
    private static Integer composeContainerPort(Object port) {
        if (port instanceof Map<?, ?> long_) {
            return number(long_.get("target"));
        }
        String s = str(port);
        String container = s.substring(s.lastIndexOf(':') + 1);
        return Integer.valueOf(container.replaceFirst("/.*", "").trim());
    }

    private static List<String> dockerfileEntrypoint() {
        List<String> entrypoint = List.of();
        for (String line : dockerfile.split("\n")) {
            if (line.startsWith("ENTRYPOINT")) {
                Object parsed = yaml().load(line.substring("ENTRYPOINT".length()).trim());
                entrypoint = strings(parsed);
            }
        }
        if (entrypoint.isEmpty()) {
            fail("Dockerfile: no ENTRYPOINT [\"java\", …] found");
        }
        return entrypoint;
    }

    private static String jar(List<String> command) {
        int i = command.indexOf("-jar");
        return i >= 0 && i + 1 < command.size() ? command.get(i + 1) : null;
    }

    // ---- plain YAML access

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    static Object at(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> ? (Map<String, Object>) node : Map.of();
    }

    static List<Object> list(Object node) {
        return node instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    static List<Map<String, Object>> maps(Object node) {
        return list(node).stream().map(KubernetesManifestsTest::map).toList();
    }

    static List<String> strings(Object node) {
        return node instanceof String s ? List.of(s) : list(node).stream().map(KubernetesManifestsTest::str).toList();
    }

    static String str(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    static Integer number(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value == null ? null : Integer.valueOf(str(value).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A Kubernetes memory quantity in bytes (Ki, Mi, Gi, k, M, G or plain); null when unreadable. */
    static Long bytes(Object quantity) {
        if (quantity == null) {
            return null;
        }
        Matcher m = Pattern.compile("^(\\d+(?:\\.\\d+)?)([KMGT]i?|[kmgt])?$").matcher(str(quantity).trim());
        if (!m.matches()) {
            return null;
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        int power = "KMGT".indexOf(Character.toUpperCase(unit.isEmpty() ? ' ' : unit.charAt(0))) + 1;
        double base = unit.endsWith("i") ? 1024 : 1000;
        return (long) (value * Math.pow(base, power));
    }

    private static Set<String> difference(Set<String> all, Set<String> some) {
        return all.stream().filter(r -> !some.contains(r)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                current[j] = Math.min(Math.min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        }
    }
}
