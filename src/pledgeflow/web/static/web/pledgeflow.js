/* pledgeflow: keeps keyboard focus in place when HTMX swaps a table region (sorting, paging).
 *
 * A swap replaces the element that held the focus, so the browser would drop focus to <body> and a keyboard
 * or screen-reader user would start again from the top of the page. After a sort, focus returns to the
 * header link the user activated (now showing the new order); after any other swap started from inside the
 * table region (a page link, a page size), it goes to the region's count, which announces the result.
 * Swaps started from the filter form leave the focus where it is: the user is still typing or choosing.
 * Without JavaScript none of this runs, and sorting and paging are ordinary page loads.
 */
(function () {
  "use strict";
  var pending = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    pending = null;
    if (!elt || !elt.closest || !elt.closest(".table-region")) return;
    var region = elt.closest(".table-region");
    pending = { regionId: region.id, sort: elt.getAttribute("data-sort") };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) return;
    var wanted = pending;
    pending = null;
    var region = document.getElementById(wanted.regionId);
    if (!region) return;
    var target = null;
    if (wanted.sort) {
      target = region.querySelector('a[data-sort="' + CSS.escape(wanted.sort) + '"]');
    }
    if (!target) {
      target = region.querySelector('[data-testid="count"]');
      // The count is not a control; tabindex -1 lets a script focus it without adding a tab stop.
      if (target && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    }
    if (target) target.focus();
  });
})();

/* pledgeflow: a select of items grouped by family (data-family-from names the family select) offers only the
 * items of the family chosen. Without JavaScript every group stays visible under its family's name, and the
 * record refuses an item of another family with a message beside the field.
 */
(function () {
  "use strict";

  function narrow(itemSelect, family) {
    Array.prototype.forEach.call(itemSelect.querySelectorAll("optgroup"), function (group) {
      var matches = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var offered = !family || option.getAttribute("data-family") === family;
        option.hidden = !offered;
        option.disabled = !offered;
        if (offered) matches = true;
      });
      group.hidden = !matches;
    });
    var chosen = itemSelect.options[itemSelect.selectedIndex];
    if (chosen && chosen.disabled) itemSelect.value = "";
  }

  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-family-from]"), function (itemSelect) {
      var familySelect = document.getElementById(itemSelect.getAttribute("data-family-from"));
      if (!familySelect) return;
      narrow(itemSelect, familySelect.value);
      familySelect.addEventListener("change", function () { narrow(itemSelect, familySelect.value); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
