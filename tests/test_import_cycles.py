"""No import cycles inside the headless core: every module of ``planner`` can be read (and
reordered) without the ones that import it. Imports inside functions count too (grimp sees them)."""

import grimp


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in edges:
        if module not in index:
            visit(module)
    return sorted(found)


def describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """One cycle through the component's first module, as a chain of imports."""
    first, rest = component[0], component[1:]
    for other in rest:
        there = graph.find_shortest_chain(importer=first, imported=other)
        back = graph.find_shortest_chain(importer=other, imported=first)
        if there and back:
            return " -> ".join(list(there) + list(back)[1:])
    return ", ".join(component)


def test_planner_has_no_import_cycles():
    graph = grimp.build_graph("planner")
    assert "planner.planio" in graph.modules and "planner.roundtrip" in graph.modules
    found = cycles(graph)
    assert not found, "import cycles in planner:\n" + "\n".join(describe(graph, c) for c in found)


def test_a_cycle_is_found_and_described():
    graph = grimp.build_graph("planner")
    graph.add_import(importer="planner.roundtrip", imported="planner.planio")  # the cycle issue 8 removed
    found = cycles(graph)
    assert found == [["planner.planio", "planner.roundtrip"]]
    assert describe(graph, found[0]) == "planner.planio -> planner.roundtrip -> planner.planio"
