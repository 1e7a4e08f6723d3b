package org.mtl4j.grouping;

import java.util.List;

/** Network names built from task names: letters concatenate ({@code sdn}), longer names join with {@code &}. */
final class Names {

    private Names() {}

    static String network(List<String> tasksInTableOrder) {
        boolean letters = tasksInTableOrder.stream().allMatch(t -> t.length() == 1);
        return String.join(letters ? "" : "&", tasksInTableOrder);
    }
}
