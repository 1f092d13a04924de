package io.pgferry.backend;

import com.github.benmanes.caffeine.cache.Interner;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of one server session: those the server reported at login and by ParameterStatus since, the
 * settings pgferry applied that the server does not report, and which client parameter set is known to be in
 * force. Names are lower-cased (GUC names are case-insensitive), so a client's parameters compare without
 * converting them at every hand-over. Confined to the link's event loop, except the login list, which is immutable.
 */
public final class ServerParameters {
    /** A parameter the server reported at login, with its name as sent and lower-cased (computed once per link). */
    public record LoginParameter(String name, String lowerCaseName, String value) {
    }

    /** Links of a pool nearly always report the same values: one shared list lets a login compare them by identity. */
    private static final Interner<List<LoginParameter>> LOGIN_LISTS = Interner.newWeakInterner();
    private final Map<String, String> reported = new HashMap<>();
    private final List<LoginParameter> login;
    private final Map<String, String> applied = new HashMap<>();
    /** The (shared, immutable) client parameter set the session matches now; {@code null} when unknown. */
    private Object carriedSet;
    /** The server left or entered recovery since login (a promotion): read by the pool from other loops. */
    private volatile boolean roleChanged;

    ServerParameters(Map<String, String> atLogin) {
        atLogin.forEach((name, value) -> reported.put(lowerCaseName(name), value));
        login = LOGIN_LISTS.intern(atLogin.entrySet().stream()
                .map(entry -> new LoginParameter(entry.getKey(), lowerCaseName(entry.getKey()), entry.getValue()))
                .toList());
    }

    private static String lowerCaseName(String name) {
        return name.toLowerCase(Locale.ROOT).intern();
    }

    /** The parameters the server reported at login, before any client changed them, for greeting new clients. */
    public List<LoginParameter> login() {
        return login;
    }

    /** Parameters the server reported, as of its latest message, by lower-cased name. */
    public Map<String, String> reported() {
        return reported;
    }

    /** Settings applied by pgferry that the server does not report back; cleared when the server resets. */
    public Map<String, String> applied() {
        return applied;
    }

    /** Whether the parameter set {@code set} is the one in force on the session; marks it so. */
    public boolean alreadyCarries(Object set) {
        boolean same = carriedSet == set;
        carriedSet = set;
        return same;
    }

    /** A ParameterStatus arrived: the session changed under whatever set it was marked with. */
    void onReported(String name, String value) {
        String key = lowerCaseName(name);
        String before = reported.put(key, value);
        carriedSet = null;
        if (key.equals("in_hot_standby") && before != null && !before.equals(value)) {
            roleChanged = true;
        }
    }

    /** Whether the server's role changed since login ({@code in_hot_standby} reported anew): it must not serve on. */
    public boolean roleChanged() {
        return roleChanged;
    }

    /** DISCARD ALL reset every setting pgferry applied. */
    void onReset() {
        applied.clear();
        carriedSet = null;
    }
}
