package io.twoway.api;

import io.twoway.config.TwowayProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** HTTP API: what {@code GET /} answers: the service name, version and status. */
@Component("serviceInfo")
public class ServiceInfo {

    private final String version;

    public ServiceInfo(TwowayProperties properties) {
        this.version = properties.version();
    }

    public Map<String, Object> describe() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("service", "twoway");
        info.put("version", version);
        info.put("status", "running");
        return info;
    }
}
