// "Use this slot" on the new-change form: put the proposed free slot into the window fields.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-slot-start]");
  if (!button) return;
  var start = document.getElementById("id_start");
  var end = document.getElementById("id_end");
  start.value = button.getAttribute("data-slot-start");
  end.value = button.getAttribute("data-slot-end");
  end.dispatchEvent(new Event("change", { bubbles: true }));
  start.focus();
});
