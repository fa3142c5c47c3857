package dev.grpcedge.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean": the known name closest to a typo, when one is close enough to be what was meant. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate nearest to {@code typed}, ignoring case, within a few edits (a quarter of its length, at least
   * two); empty when none is that close.
   */
  public static Optional<String> closest(String typed, Collection<String> candidates) {
    String lower = typed.toLowerCase(Locale.ROOT);
    int limit = Math.max(2, typed.length() / 4);
    LevenshteinDistance distance = new LevenshteinDistance(limit);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance.apply(lower, candidate.toLowerCase(Locale.ROOT));
      if (d >= 0 && d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code " (did you mean X?)"} for the closest candidate, or an empty string. */
  public static String didYouMean(String typed, Collection<String> candidates) {
    return closest(typed, candidates).map(c -> " (did you mean " + c + "?)").orElse("");
  }
}
