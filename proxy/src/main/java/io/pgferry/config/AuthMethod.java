package io.pgferry.config;

/** How a client proves who it is, named as in pg_hba.conf. */
public enum AuthMethod {
    SCRAM_SHA_256("scram-sha-256"), MD5("md5"), PASSWORD("password"), TRUST("trust");

    private final String configName;

    AuthMethod(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
