"""--help in sections: the options of each group in cli/options.py under one heading, the
sections in the order of options.HELP_SECTIONS (the everyday ones first), and what is in
no group (--version, --help) last. Plain click formatting: no colour, nothing imported.
"""

from __future__ import annotations

import click

from wordcount.cli.ending import OneLineCommand
from wordcount.cli.options import GROUP_OF_OPTION, HELP_SECTIONS

OTHER_SECTION = "Other options"


class SectionedCommand(OneLineCommand):
    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        groups = list(HELP_SECTIONS)
        sections: dict[str, list[tuple[int, int, tuple[str, str]]]] = {
            title: [] for title in [*HELP_SECTIONS.values(), OTHER_SECTION]
        }
        for position, param in enumerate(self.get_params(ctx)):
            record = param.get_help_record(ctx)
            if record is None or isinstance(param, click.Argument):
                continue
            group = GROUP_OF_OPTION.get(param.name or "")
            if group in HELP_SECTIONS:
                # Within a section, group by group, in HELP_SECTIONS' order, then as declared.
                sections[HELP_SECTIONS[group]].append((groups.index(group), position, record))
            else:
                sections[OTHER_SECTION].append((len(groups), position, record))
        for title, records in sections.items():
            if records:
                with formatter.section(title):
                    formatter.write_dl([record for _, _, record in sorted(records)])
