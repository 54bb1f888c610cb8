package dev.sparktrain.config;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?" for a mistyped key, option or command: the closest allowed name by edit distance. */
public final class Names {
    private Names() {
    }

    /**
     * The allowed name closest to {@code typed} (case ignored; a swap of two neighbours counts as
     * one edit), or null when none is within about a third of its length (at least one edit): a
     * suggestion far from what was typed would mislead more than help.
     */
    public static String closest(String typed, Collection<String> allowed) {
        String t = typed.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = distance(t, a.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, Math.min(t.length(), best.length()) / 3) ? best : null;
    }

    /** {@code "; did you mean X?"}, or "" when nothing is close. */
    public static String didYouMean(String typed, Collection<String> allowed) {
        String c = closest(typed, allowed);
        return c == null ? "" : "; did you mean " + c + "?";
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
